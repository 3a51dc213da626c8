import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { localDate, weekdayOf, zonedToInstant, type Weekday } from '../../platform/zoned-time';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { Clock } from '../../platform/clock';
import { notFound } from '../../platform/http/problem';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { formatPeriod } from './report-format';
import { ReportMailer } from './report-mailer';
import { PutReportScheduleDto } from './report-schedule.dto';
import { ReportSchedule } from './report-schedule.entity';
import { AnalyticsReports } from './reports.service';

const DAY_MS = 86_400_000;
const DUE_BATCH = 200;

const shiftDate = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The first `weekday` at `hour`:00 in `timeZone` strictly after `after`. */
export function nextWeeklyRun(after: Date, weekday: Weekday, hour: number, timeZone: string): Date {
  const today = localDate(after, timeZone);
  for (let i = 0; i <= 7; i++) {
    const date = shiftDate(today, i);
    if (weekdayOf(date) !== weekday) continue;
    const at = zonedToInstant(date, `${String(hour).padStart(2, '0')}:00`, timeZone);
    if (at > after) return at;
  }
  return zonedToInstant(shiftDate(today, 7), `${String(hour).padStart(2, '0')}:00`, timeZone);
}

/** The 7 whole local days before the run's day: [that day − 7, that day). */
export function weekBefore(runAt: Date, timeZone: string): { from: Date; to: Date } {
  const day = localDate(runAt, timeZone);
  return {
    from: zonedToInstant(shiftDate(day, -7), '00:00', timeZone),
    to: zonedToInstant(day, '00:00', timeZone),
  };
}

/** Weekly reports by e-mail: the schedule of each workspace, the due scan and the sending. */
@Injectable()
export class ReportSchedules {
  private readonly logger = new Logger('AnalyticsReports');

  constructor(
    @InjectRepository(ReportSchedule) private readonly schedules: Repository<ReportSchedule>,
    private readonly reports: AnalyticsReports,
    private readonly mailer: ReportMailer,
    private readonly workspaces: WorkspacesService,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async get(workspaceId: string): Promise<ReportSchedule> {
    const found = await this.schedules.findOneBy({ workspaceId });
    if (!found) throw notFound('Report schedule');
    return found;
  }

  async put(workspaceId: string, dto: PutReportScheduleDto): Promise<ReportSchedule> {
    const now = this.clock.now();
    const existing = await this.schedules.findOneBy({ workspaceId });
    const schedule: ReportSchedule = {
      workspaceId,
      recipients: [...new Set(dto.recipients.map((r) => r.trim().toLowerCase()))],
      format: dto.format,
      weekday: dto.weekday,
      hour: dto.hour,
      timeZone: dto.timeZone,
      enabled: dto.enabled ?? true,
      nextRunAt: nextWeeklyRun(now, dto.weekday, dto.hour, dto.timeZone),
      lastSentAt: existing?.lastSentAt ?? null,
      lastError: existing?.lastError ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.schedules.upsert(schedule, ['workspaceId']);
    return schedule;
  }

  async remove(workspaceId: string): Promise<void> {
    const result = await this.schedules.delete({ workspaceId });
    if (!result.affected) throw notFound('Report schedule');
  }

  /** Offers a send for every due schedule; the job id makes a second offer of one run harmless. */
  async enqueueDue(): Promise<number> {
    const due = await this.schedules.find({
      where: { enabled: true, nextRunAt: LessThanOrEqual(this.clock.now()) },
      order: { nextRunAt: 'ASC' },
      take: DUE_BATCH,
    });
    await this.jobs.enqueueBulk(
      due.map((s) => ({
        name: 'analytics.report-send' as const,
        data: { workspaceId: s.workspaceId, runAt: s.nextRunAt.toISOString() },
        opts: { jobId: `analytics-report-${s.workspaceId}-${s.nextRunAt.getTime()}` },
      })),
    );
    return due.length;
  }

  /**
   * Sends the run `runAt` of a workspace's schedule, once: a run already moved past (sent, or the
   * schedule changed) is skipped. A failure is kept in `lastError` and the schedule moves to the
   * next week all the same, so a broken provider costs one report, not a retry storm.
   */
  async send(workspaceId: string, runAt: Date): Promise<void> {
    const s = await this.schedules.findOneBy({ workspaceId });
    if (!s || !s.enabled || s.nextRunAt.getTime() !== runAt.getTime()) return;
    let error: string | null = null;
    try {
      const period = weekBefore(runAt, s.timeZone);
      const file = await this.reports.render(workspaceId, s.format, period);
      const { name } = await this.workspaces.profileOf(workspaceId);
      const when = formatPeriod(period.from, period.to, s.timeZone);
      for (const to of s.recipients)
        await this.mailer.send({
          workspaceId,
          runId: `analytics-report-${workspaceId}-${runAt.getTime()}`,
          to,
          subject: `Relatório semanal — ${name} — ${when}`,
          text: `Olá!\n\nSegue em anexo o relatório semanal de ${name}, de ${when}.\n\n— Ponte`,
          attachment: { filename: file.filename, contentType: file.contentType, content: file.body },
        });
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
      this.logger.warn(`weekly report of ${workspaceId} not sent: ${error}`);
    }
    const now = this.clock.now();
    await this.schedules.update(
      { workspaceId, nextRunAt: runAt },
      {
        nextRunAt: nextWeeklyRun(now > runAt ? now : runAt, s.weekday, s.hour, s.timeZone),
        lastError: error,
        ...(error ? {} : { lastSentAt: now }),
        updatedAt: now,
      },
    );
  }
}
