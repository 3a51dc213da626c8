import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a job last wrote for each record key: the hash of the mapped record. The same hash again
 * is `unchanged` and nothing is written; a first key is `created`, a new hash `updated`.
 */
@Entity('sync_job_items')
export class SyncJobItem {
  @PrimaryColumn('uuid') jobId: string;
  @PrimaryColumn('text') key: string;
  @Column('text') hash: string;
  /** The target's id of the record, when it answered one. */
  @Column('text', { nullable: true }) targetId: string | null;
  @Column('timestamptz') updatedAt: Date;
}
