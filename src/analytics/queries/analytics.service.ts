import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DlqService } from '../../events/dlq/dlq.service';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { AnalyticsQueries, type KpiReport, type TrendQuery, type TrendSeries } from '../analytics.types';
import { KpiRows, ratio, type KpiRow } from './kpi-rows';
import { TrendSql } from './trend-sql';

const HOUR = 3_600_000;
const SENT = ['messages.sent'];
const OUTCOMES = ['messages.sent', 'messages.failed'];
const STATUSES = ['messages.sent', 'messages.delivered', 'messages.read', 'messages.failed'];

/** Whole UTC hours: the rollups' grain. */
export const toHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/**
 * KPIs and trends read from analytics' own rollups (one query each), never from other modules'
 * tables. The DLQ size is "now", asked of the events module's service.
 */
@Injectable()
export class AnalyticsService extends AnalyticsQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dlq: DlqService,
    private readonly workspaces: WorkspacesService,
    private readonly trends: TrendSql,
  ) {
    super();
  }

  async kpis(workspaceId: string, fromAt: Date, toAt: Date): Promise<KpiReport> {
    const from = toHour(fromAt);
    const to = toHour(toAt);
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const [rows, dlq, profile] = await Promise.all([
      // Whole UTC days from the daily rollups, the hours at the edges of each period from the
      // hourly ones: a few hundred rows per month read instead of thousands.
      this.dataSource.query<KpiRow[]>(
        `WITH parts AS (
           SELECT * FROM (VALUES ($3::timestamptz, $2::timestamptz, false), ($2::timestamptz, $4::timestamptz, true)) p(a, b, current)),
         spans AS (
           SELECT a, b, current, date_trunc('day', a + interval '1 day' - interval '1 microsecond', 'UTC') AS da,
             date_trunc('day', b, 'UTC') AS db FROM parts),
         picked AS (
           SELECT r.metric, r.channel, r.provider, r.status, r.event_type, r.source, r.workflow, r.bucket, r.count, r.total, s.current
           FROM spans s JOIN analytics_daily_rollups r
             ON r.workspace_id = $1 AND r.day >= s.da AND r.day < s.db
           UNION ALL
           SELECT r.metric, r.channel, r.provider, r.status, r.event_type, r.source, r.workflow, r.bucket, r.count,
             r.total, s.current
           FROM spans s JOIN analytics_rollups r ON r.workspace_id = $1 AND r.hour >= s.a AND r.hour < s.b
             AND (s.da >= s.db OR r.hour < s.da OR r.hour >= s.db))
         SELECT metric, channel, provider, status, event_type, source, workflow, bucket, current,
           sum(count)::text AS count, sum(total)::text AS total
         FROM picked GROUP BY metric, channel, provider, status, event_type, source, workflow, bucket, current`,
        [workspaceId, from, previousFrom, to],
      ),
      this.dlq.stats({ workspaceId, actorType: 'api_key', actorId: 'analytics', scopes: [] }),
      this.workspaces.profileOf(workspaceId),
    ]);
    const k = new KpiRows(rows);
    const sent = k.sum(SENT);
    const succeeded = k.sum(['deliveries.succeeded']);
    const attempted = k.sum(['deliveries.succeeded', 'deliveries.failed']);
    return {
      workspaceId,
      from: from.toISOString(),
      to: to.toISOString(),
      previousFrom: previousFrom.toISOString(),
      timeZone: profile.timeZone,
      messages: {
        total: k.sum(OUTCOMES),
        byChannel: k.breakdown(OUTCOMES, 'channel'),
        byProvider: k.breakdown(OUTCOMES, 'provider'),
        byStatus: k.breakdown(STATUSES, 'status'),
        deliveryRate: ratio(k.sum(['messages.delivered']), sent),
        readRate: ratio(k.sum(['messages.read']), sent),
        timeToDeliverMs: k.percentiles('messages.delivered'),
      },
      inbound: {
        messages: k.sum(['messages.inbound']),
        firstResponseMs: k.percentiles('conversations.first_response'),
      },
      events: {
        total: k.sum(['events.received']),
        byType: k.breakdown(['events.received'], 'event_type'),
        bySource: k.breakdown(['events.received'], 'source'),
        webhookRejections: k.sum(['webhooks.rejected']),
      },
      deliveries: {
        attempted,
        succeeded,
        successRate: ratio(succeeded, attempted),
        dlqSize: dlq.total,
      },
      workflows: { byOutcome: k.breakdown(['workflows.executions'], 'status') },
      appointments: {
        scheduled: k.sum(['appointments.scheduled']),
        completed: k.sum(['appointments.completed']),
        noShow: k.sum(['appointments.no_show']),
        cancelled: k.sum(['appointments.cancelled']),
      },
      collections: {
        amountRecoveredCents: k.sum(['collections.recovered'], 'total'),
        promisesMade: k.sum(['collections.promise_made']),
        promisesKept: k.sum(['collections.promise_kept']),
      },
    };
  }

  async trend(workspaceId: string, query: TrendQuery): Promise<TrendSeries> {
    const timeZone = query.timeZone ?? (await this.workspaces.profileOf(workspaceId)).timeZone;
    return this.trends.run(workspaceId, { ...query, timeZone });
  }
}
