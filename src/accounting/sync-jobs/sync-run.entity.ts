import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface RunFailure {
  key: string | null;
  error: string;
  at: string;
}

/**
 * One run of a sync job, checkpointed after every page: the cursor to read next, the pages done
 * and the counts so far. A worker killed mid-page leaves the checkpoint of the page before; the
 * run resumes there (the page's writes carry idempotency keys, so none lands twice).
 */
@Entity('sync_runs')
@Index(['jobId', 'id'])
@Index(['jobId'], { unique: true, where: `status = 'running'` })
export class SyncRun {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') jobId: string;
  /** `running`, `succeeded` or `failed`. */
  @Column('text') status: string;
  /** `manual` or `schedule`. */
  @Column('text') trigger: string;
  /** Where the next page starts (null: the first page). */
  @Column('text', { nullable: true }) cursor: string | null;
  @Column('int') pages: number;
  @Column('int') pageAttempts: number;
  @Column('int') read: number;
  @Column('int') created: number;
  @Column('int') updated: number;
  @Column('int') unchanged: number;
  @Column('int') failed: number;
  /** The first failures (at most 100): record key and why. */
  @Column('jsonb') failures: RunFailure[];
  /** `updated_since` sources: the value the run started from, and the newest change seen. */
  @Column('text', { nullable: true }) since: string | null;
  @Column('text', { nullable: true }) watermark: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz') startedAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
}
