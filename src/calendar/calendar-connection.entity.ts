import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const CONNECTION_KINDS = ['oauth', 'service_account'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];
export const CONNECTION_STATUSES = ['pending', 'active', 'needs_reauth'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * A workspace's access to Google Calendar: an OAuth grant (tokens sealed) or a service account
 * (its JSON key sealed). `syncTokens` holds Google's `nextSyncToken` per calendar.
 */
@Entity('calendar_connections')
@Index(['workspaceId', 'id'])
@Index(['oauthState'], { unique: true, where: 'oauth_state IS NOT NULL' })
export class CalendarConnection {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') kind: ConnectionKind;
  @Column('text') status: ConnectionStatus;
  @Column('text') name: string;
  /** The calendars synced and used by default (the first one is the default). */
  @Column('text', { array: true }) calendarIds: string[];
  /** JSON sealed with the SecretBox: `{access_token, refresh_token, expiry_date}` or the service account key. */
  @Column('text', { nullable: true }) credentialsSealed: string | null;
  /** SHA-256 of the OAuth `state` while consent is pending. */
  @Column('text', { nullable: true }) oauthState: string | null;
  @Column('jsonb', { default: () => `'{}'` }) syncTokens: Record<string, string>;
  @Column('timestamptz', { nullable: true }) syncLeaseUntil: Date | null;
  @Column('timestamptz', { nullable: true }) lastSyncedAt: Date | null;
  @Column('timestamptz', { nullable: true }) nextSyncAt: Date | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
