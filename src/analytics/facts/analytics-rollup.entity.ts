import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Facts counted per workspace, UTC hour, metric and dimensions. `bucket` -1 is the count and sum
 * of the facts; 0.. are the hour's histogram of durations (fixed log buckets, see histogram.ts),
 * from which p50/p90 are read without the facts.
 */
@Entity('analytics_rollups')
export class AnalyticsRollup {
  @PrimaryColumn('uuid') workspaceId: string;
  @PrimaryColumn('text') metric: string;
  @PrimaryColumn('timestamptz') hour: Date;
  @PrimaryColumn('text') channel: string;
  @PrimaryColumn('text') provider: string;
  @PrimaryColumn('text') status: string;
  @PrimaryColumn('text') eventType: string;
  @PrimaryColumn('text') source: string;
  @PrimaryColumn('text') workflow: string;
  @PrimaryColumn('text') campaign: string;
  @PrimaryColumn('smallint') bucket: number;
  @Column('bigint') count: string;
  @Column('bigint') total: string;
}
