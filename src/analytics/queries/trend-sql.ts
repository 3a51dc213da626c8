import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AnalyticsProblem } from '../analytics.problems';
import type { TrendInterval, TrendMetric, TrendQuery, TrendSeries } from '../analytics.types';
import { DIMENSION_COLUMNS, DIMENSIONS, type Dimension } from '../facts/fact';

/** Which rollups a trend metric sums, and whether counts or amounts. */
const SOURCES: Record<TrendMetric, { metric: string; field: 'count' | 'total' }> = {
  'messages.sent': { metric: 'messages.sent', field: 'count' },
  'messages.delivered': { metric: 'messages.delivered', field: 'count' },
  'messages.read': { metric: 'messages.read', field: 'count' },
  'messages.failed': { metric: 'messages.failed', field: 'count' },
  'messages.inbound': { metric: 'messages.inbound', field: 'count' },
  'events.received': { metric: 'events.received', field: 'count' },
  'webhooks.rejected': { metric: 'webhooks.rejected', field: 'count' },
  'deliveries.succeeded': { metric: 'deliveries.succeeded', field: 'count' },
  'deliveries.failed': { metric: 'deliveries.failed', field: 'count' },
  'workflows.executions': { metric: 'workflows.executions', field: 'count' },
  'appointments.scheduled': { metric: 'appointments.scheduled', field: 'count' },
  'collections.recoveredCents': { metric: 'collections.recovered', field: 'total' },
};

const APPROX_MS: Record<TrendInterval, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 28 * 86_400_000,
};
export const MAX_POINTS = 5_000;

/** Hours are absolute (a DST change repeats or skips a local hour, never an instant). */
const HOURS = `SELECT generate_series(date_trunc('hour', $2::timestamptz, $4),
  $3::timestamptz - interval '1 microsecond', interval '1 hour') AS at`;
/** Days, weeks and months step in local wall time, each start turned back into an instant. */
const LOCAL_BUCKETS = `SELECT (s AT TIME ZONE $4) AS at FROM generate_series(
  date_trunc($5, $2::timestamptz, $4) AT TIME ZONE $4,
  ($3::timestamptz - interval '1 microsecond') AT TIME ZONE $4,
  ('1 ' || $5)::interval) s`;

/**
 * A trend in one query: rollup hours summed into buckets that start at local midnight (or the
 * local hour, Monday, the 1st) in the time zone — `date_trunc(unit, hour, zone)` is DST-safe, so a
 * day of 23 or 25 hours is one bucket — with every bucket present (zeros where nothing happened).
 */
@Injectable()
export class TrendSql {
  constructor(private readonly dataSource: DataSource) {}

  async run(workspaceId: string, q: TrendQuery & { timeZone: string }): Promise<TrendSeries> {
    const source = SOURCES[q.metric];
    if (!source) throw new AnalyticsProblem('ANALYTICS_METRIC_UNKNOWN', `Unknown metric ${q.metric}`);
    const group = q.groupBy ? DIMENSION_COLUMNS[q.groupBy as Dimension] : undefined;
    if (q.groupBy && !group)
      throw new AnalyticsProblem('ANALYTICS_GROUP_UNKNOWN', `groupBy is one of ${DIMENSIONS.join(', ')}`);
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to) || (to.getTime() - from.getTime()) / APPROX_MS[q.interval] > MAX_POINTS)
      throw new AnalyticsProblem(
        'ANALYTICS_PERIOD_INVALID',
        '`from` must be before `to`, with at most 5,000 points',
      );
    const rows = await this.dataSource.query<Array<{ at: Date; grp: string | null; value: string }>>(
      `WITH buckets AS (${q.interval === 'hour' ? HOURS : LOCAL_BUCKETS}),
       sums AS (
         SELECT date_trunc($5, hour, $4) AS at, ${group ?? 'NULL::text'} AS grp, sum(${source.field}) AS value
         FROM analytics_rollups
         WHERE workspace_id = $1 AND metric = $6 AND bucket = -1 AND hour >= $2 AND hour < $3
         GROUP BY 1, 2),
       groups AS (SELECT DISTINCT grp FROM sums UNION SELECT NULL::text WHERE NOT EXISTS (SELECT 1 FROM sums))
       SELECT b.at, g.grp, coalesce(s.value, 0)::text AS value
       FROM buckets b CROSS JOIN groups g LEFT JOIN sums s ON s.at = b.at AND s.grp IS NOT DISTINCT FROM g.grp
       ORDER BY b.at, g.grp`,
      [workspaceId, from, to, q.timeZone, q.interval, source.metric],
    );
    return {
      metric: q.metric,
      interval: q.interval,
      timeZone: q.timeZone,
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: q.groupBy ?? null,
      points: rows.map((r) => ({ at: new Date(r.at).toISOString(), group: r.grp, value: Number(r.value) })),
    };
  }
}
