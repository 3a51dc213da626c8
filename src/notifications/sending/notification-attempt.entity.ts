import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';

export const ATTEMPT_STATUSES = ['sending', 'sent', 'delivered', 'read', 'failed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * One provider call for a notification (Novu's Message): which route, what the provider said,
 * and the status its callbacks moved it to — only ever forward.
 */
@Entity('notification_attempts')
@Index(['notificationId', 'attempt'], { unique: true })
@Index(['providerMessageId'], { where: 'provider_message_id IS NOT NULL' })
export class NotificationAttempt {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') notificationId: string;
  @Column('uuid') workspaceId: string;
  @Column('int') attempt: number;
  @Column('text') channel: Channel;
  /** Null for the built-in sandbox used when a channel has no provider. */
  @Column('uuid', { nullable: true }) providerId: string | null;
  @Column('text') providerKind: string;
  @Column('text') status: AttemptStatus;
  @Column('text', { nullable: true }) providerMessageId: string | null;
  @Column('text', { nullable: true }) errorCode: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('int', { nullable: true }) durationMs: number | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
