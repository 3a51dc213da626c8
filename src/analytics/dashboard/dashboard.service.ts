import { Injectable, Optional } from '@nestjs/common';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { Clock } from '../../platform/clock';
import { HealthService } from '../../platform/health/health.service';
import { AnalyticsQueries, type TrendMetric } from '../analytics.types';
import {
  formatDateTime,
  formatFigure,
  formatPeriod,
  formatVariation,
  shortDay,
} from '../reports/report-format';
import { buildReportModel, localDay } from '../reports/report-model';
import { DashboardAlert, DashboardAlerts } from './dashboard-alerts';

const DAY_MS = 86_400_000;
const KPI_DAYS = 7;
const TREND_DAYS = 30;
const TREND_SERIES: Array<[TrendMetric, string]> = [
  ['messages.sent', 'Enviadas'],
  ['messages.delivered', 'Entregues'],
  ['messages.failed', 'Falhas'],
  ['messages.inbound', 'Recebidas'],
];
const HEADLINE = [
  'Mensagens enviadas',
  'Taxa de entrega',
  'Taxa de leitura',
  'Tempo até a entrega (mediana)',
  'Mensagens recebidas',
  'Primeira resposta (mediana)',
  'Eventos recebidos',
  'Webhooks rejeitados',
  'Taxa de sucesso',
  'Itens na DLQ (agora)',
  'Valor recuperado',
  'Agendados',
];

export interface DashboardData {
  workspace: { name: string; timeZone: string };
  period: string;
  updatedAt: string;
  kpis: Array<{ label: string; value: string; variation: string; direction: 'up' | 'down' | 'flat' }>;
  trend: { labels: string[]; series: Array<{ label: string; values: number[] }> };
  funnel: { labels: string[]; values: number[] };
  channels: { labels: string[]; values: number[] };
  queues: Array<{ name: string; waiting: number; active: number; delayed: number; failed: number }> | null;
  system: { status: string; memoryMb: number; stuckWork: Record<string, number> } | null;
  alerts: DashboardAlert[] | null;
}

/** What the dashboard shows of one workspace: its KPIs and trends, the queues, its alerts. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly queries: AnalyticsQueries,
    private readonly workspaces: WorkspacesService,
    private readonly health: HealthService,
    private readonly clock: Clock,
    @Optional() private readonly alerts?: DashboardAlerts,
  ) {}

  async data(workspaceId: string): Promise<DashboardData> {
    const now = this.clock.now();
    const profile = await this.workspaces.profileOf(workspaceId);
    const from = new Date(now.getTime() - KPI_DAYS * DAY_MS);
    const trendFrom = new Date(now.getTime() - TREND_DAYS * DAY_MS).toISOString();
    const [kpis, trends, health, alerts] = await Promise.all([
      this.queries.kpis(workspaceId, from, now),
      Promise.all(
        TREND_SERIES.map(([metric]) =>
          this.queries.trend(workspaceId, {
            metric,
            interval: 'day',
            from: trendFrom,
            to: now.toISOString(),
            timeZone: profile.timeZone,
          }),
        ),
      ),
      this.health.detailed(),
      this.alerts?.recent(workspaceId, 20) ?? Promise.resolve(null),
    ]);
    const model = buildReportModel({
      workspaceName: profile.name,
      kpis,
      sentByDay: trends[0],
      generatedAt: now,
    });
    const days = [
      ...new Set(trends.flatMap((t) => t.points.map((p) => localDay(new Date(p.at), kpis.timeZone)))),
    ].sort();
    const perDay = (i: number) => {
      const sums = new Map<string, number>();
      for (const p of trends[i].points) {
        const day = localDay(new Date(p.at), kpis.timeZone);
        sums.set(day, (sums.get(day) ?? 0) + p.value);
      }
      return days.map((d) => sums.get(d) ?? 0);
    };
    return {
      workspace: { name: profile.name, timeZone: kpis.timeZone },
      period: formatPeriod(from, now, kpis.timeZone),
      updatedAt: formatDateTime(now, kpis.timeZone),
      kpis: HEADLINE.flatMap((label) => model.kpis.filter((k) => k.label === label)).map((k) => ({
        label: k.label,
        value: formatFigure(k.value, k.kind),
        variation: formatVariation(k.variation),
        direction: k.variation === null || k.variation === 0 ? 'flat' : k.variation > 0 ? 'up' : 'down',
      })),
      trend: {
        labels: days.map(shortDay),
        series: TREND_SERIES.map(([, label], i) => ({ label, values: perDay(i) })),
      },
      funnel: { labels: model.funnel.map((f) => f.stage), values: model.funnel.map((f) => f.value) },
      channels: {
        labels: model.channelMix.map((c) => c.channel),
        values: model.channelMix.map((c) => c.value),
      },
      queues: queuesOf(health.queues),
      system: {
        status: String(health.status),
        memoryMb: Math.round(((health.memory as { rssBytes?: number })?.rssBytes ?? 0) / 1_048_576),
        stuckWork: (health.stuckWork as Record<string, number> | undefined) ?? {},
      },
      alerts,
    };
  }
}

function queuesOf(queues: unknown): DashboardData['queues'] {
  if (!queues || typeof queues !== 'object') return null;
  return Object.entries(queues as Record<string, unknown>).map(([name, counts]) => {
    const c = (typeof counts === 'object' && counts ? counts : {}) as Record<string, number>;
    return {
      name,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  });
}
