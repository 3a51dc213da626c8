import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JsonObject } from '../canonical';

export const SYNC_STATUSES = ['pending', 'success', 'failed', 'conflict'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * One entity (customer, invoice, payment) at one connection: what Ponte holds now (`pending`,
 * `localHash`), what both sides agreed on at the last sync (`synced`, `remoteHash`), the
 * system's id, and the attempts of the current sync.
 */
@Entity('accounting_syncs')
@Index(['workspaceId', 'id'])
@Index(['connectionId', 'entityType', 'localId'], { unique: true })
@Index(['status', 'nextAttemptAt'])
export class SyncRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') connectionId: string;
  @Column('text') entityType: string;
  /** Ponte's id of the entity (the system's integration key). */
  @Column('text') localId: string;
  @Column('text', { nullable: true }) externalId: string | null;
  @Column('text') status: SyncStatus;
  /** Ponte's version: when the change happened (the trigger event's time). */
  @Column('text', { nullable: true }) localVersion: string | null;
  /** Hash of `pending`: Ponte's current version. */
  @Column('text') localHash: string;
  /** The system's version stamp at the last sync, when it has one. */
  @Column('text', { nullable: true }) remoteVersion: string | null;
  /** Hash of `synced`: the system's version at the last sync. */
  @Column('text', { nullable: true }) remoteHash: string | null;
  /** Ponte's current version of the entity. */
  @Column('jsonb') pending: JsonObject;
  /** The version both sides held after the last sync: the base of a conflict's diff. */
  @Column('jsonb', { nullable: true }) synced: JsonObject | null;
  @Column('int') attempts: number;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) nextAttemptAt: Date | null;
  @Column('timestamptz', { nullable: true }) syncedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
