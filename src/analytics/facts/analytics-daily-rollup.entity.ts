import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The hourly rollups summed per UTC day, kept by the same statements: the KPIs read whole days
 * here and only the hours at the period's edges from analytics_rollups.
 */
@Entity('analytics_daily_rollups')
export class AnalyticsDailyRollup {
  @PrimaryColumn('uuid') workspaceId: string;
  @PrimaryColumn('text') metric: string;
  @PrimaryColumn('timestamptz') day: Date;
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
