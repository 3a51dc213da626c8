import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SyncSource, SyncTarget } from './sync-job-spec';

/**
 * A sync job between two systems: read pages from `source`, map each record with `mapping`
 * (JSONata), upsert it into `target` under the record's `key`. Header values (tokens) are sealed
 * apart, in `secretsSealed`.
 */
@Entity('sync_jobs')
@Index(['workspaceId', 'id'])
export class SyncJob {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  /** The built-in template it was made from, if any. */
  @Column('text', { nullable: true }) template: string | null;
  /** Without header values. */
  @Column('jsonb') source: SyncSource;
  @Column('jsonb') target: SyncTarget;
  /** `{source: headers, target: headers}` sealed with the SecretBox (aad = job id). */
  @Column('text', { nullable: true }) secretsSealed: string | null;
  @Column('text') mapping: string;
  @Column('text') keyExpression: string;
  @Column('jsonb', { nullable: true }) schedule: { cron: string; timezone: string } | null;
  @Column('boolean') enabled: boolean;
  /** `updated_since` sources: the newest change the last successful run saw. */
  @Column('text', { nullable: true }) watermark: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
