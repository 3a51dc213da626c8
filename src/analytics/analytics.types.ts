/**
 * The shapes the analytics module answers (`GET /v1/analytics/kpis`, `/trends`) and its reports
 * and dashboard render. Figures come from analytics' own rollups, never from other modules' tables.
 */

/** A figure for the period asked and the same-length period just before it. */
export interface Compared {
  value: number | null;
  previous: number | null;
}

/** One row of a breakdown (by channel, provider, status, event type, source, outcome…). */
export interface Breakdown {
  key: string;
  value: number;
  previous: number;
}

export interface Percentiles {
  p50: Compared;
  p90: Compared;
}

export interface KpiReport {
  workspaceId: string;
  /** ISO instants; `to` exclusive. The previous period is [previousFrom, from). */
  from: string;
  to: string;
  previousFrom: string;
  timeZone: string;
  messages: {
    total: Compared;
    byChannel: Breakdown[];
    byProvider: Breakdown[];
    byStatus: Breakdown[];
    /** Ratios 0..1 of delivered (or read) over sent. */
    deliveryRate: Compared;
    readRate: Compared;
    timeToDeliverMs: Percentiles;
  };
  inbound: {
    messages: Compared;
    firstResponseMs: Percentiles;
  };
  events: {
    total: Compared;
    byType: Breakdown[];
    bySource: Breakdown[];
    webhookRejections: Compared;
  };
  deliveries: {
    attempted: Compared;
    succeeded: Compared;
    successRate: Compared;
    /** Now, not per period. */
    dlqSize: number;
  };
  workflows: { byOutcome: Breakdown[] };
  appointments: { scheduled: Compared; completed: Compared; noShow: Compared; cancelled: Compared };
  collections: {
    amountRecoveredCents: Compared;
    promisesMade: Compared;
    promisesKept: Compared;
  };
}

export type TrendInterval = 'hour' | 'day' | 'week' | 'month';

/** Metrics a trend can be asked for (`GET /v1/analytics/trends?metric=`). */
export const TREND_METRICS = [
  'messages.sent',
  'messages.delivered',
  'messages.read',
  'messages.failed',
  'messages.inbound',
  'events.received',
  'webhooks.rejected',
  'deliveries.succeeded',
  'deliveries.failed',
  'workflows.executions',
  'appointments.scheduled',
  'collections.recoveredCents',
] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

export interface TrendQuery {
  metric: TrendMetric;
  interval: TrendInterval;
  from: string;
  to: string;
  /** A dimension: channel, provider, status, eventType, source, workflow, campaign. */
  groupBy?: string;
  timeZone?: string;
}

export interface TrendSeries {
  metric: TrendMetric;
  interval: TrendInterval;
  timeZone: string;
  from: string;
  to: string;
  groupBy: string | null;
  /** One point per bucket start (local midnight etc. in `timeZone`, as an ISO instant) and group. */
  points: Array<{ at: string; group: string | null; value: number }>;
}

/**
 * What reports and the dashboard need from analytics; the module provides it
 * (`{ provide: AnalyticsQueries, useExisting: AnalyticsService }`).
 */
export abstract class AnalyticsQueries {
  abstract kpis(workspaceId: string, from: Date, to: Date): Promise<KpiReport>;
  abstract trend(workspaceId: string, query: TrendQuery): Promise<TrendSeries>;
}
