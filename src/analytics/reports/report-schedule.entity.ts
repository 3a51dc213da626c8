import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Weekday } from '../../platform/zoned-time';
import type { ReportFormat } from './reports.dto';

/**
 * A workspace's weekly report by e-mail (one per workspace): the previous 7 local days, sent on
 * `weekday` at `hour`:00 in `timeZone`. `nextRunAt` is the source of truth for the scheduler.
 */
@Entity('analytics_report_schedules')
@Index(['nextRunAt'])
export class ReportSchedule {
  @PrimaryColumn('uuid') workspaceId: string;
  @Column('text', { array: true }) recipients: string[];
  @Column('text') format: ReportFormat;
  @Column('text') weekday: Weekday;
  @Column('int') hour: number;
  @Column('text') timeZone: string;
  @Column('boolean') enabled: boolean;
  @Column('timestamptz') nextRunAt: Date;
  @Column('timestamptz', { nullable: true }) lastSentAt: Date | null;
  /** Why the last run sent nothing (no e-mail provider, a refusal), cleared by a good one. */
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
