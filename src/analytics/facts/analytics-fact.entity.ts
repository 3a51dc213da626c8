import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One thing that happened, as analytics keeps it (append-only): the source of truth the rollups
 * are rebuilt from (`npm run analytics:rebuild`). `id` names the fact (`n:<notification>:delivered`,
 * `e:<event>`), so the same news delivered twice is stored and counted once.
 */
@Entity('analytics_facts')
@Index(['workspaceId', 'at'])
export class AnalyticsFact {
  @PrimaryColumn('text') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') metric: string;
  @Column('timestamptz') at: Date;
  @Column('text', { default: '' }) channel: string;
  @Column('text', { default: '' }) provider: string;
  @Column('text', { default: '' }) status: string;
  @Column('text', { default: '' }) eventType: string;
  @Column('text', { default: '' }) source: string;
  @Column('text', { default: '' }) workflow: string;
  @Column('text', { default: '' }) campaign: string;
  /** An amount (cents) the fact carries; 0 when it only counts. */
  @Column('bigint', { default: 0 }) value: string;
  /** A duration (time to deliver, time to first response), kept in the hour's histogram. */
  @Column('bigint', { nullable: true }) durationMs: string | null;
}
