import type { Breakdown, Compared, KpiReport, TrendSeries } from '../analytics.types';

/** How a figure is shown: a count, a ratio 0..1, a duration in ms, an amount in cents. */
export type FigureKind = 'count' | 'ratio' | 'durationMs' | 'cents';

export interface KpiRow {
  section: string;
  label: string;
  kind: FigureKind;
  value: number | null;
  previous: number | null;
  /** (value − previous) / previous; null when there is nothing to compare with. */
  variation: number | null;
}

export interface BreakdownTable {
  title: string;
  rows: Array<{ key: string; value: number; previous: number; variation: number | null }>;
}

/** Everything a report shows, in the order it shows it; the writers only lay it out. */
export interface ReportModel {
  workspaceName: string;
  timeZone: string;
  from: Date;
  /** Exclusive. */
  to: Date;
  generatedAt: Date;
  kpis: KpiRow[];
  breakdowns: BreakdownTable[];
  /** Messages sent per local day of the period. */
  volumeByDay: Array<{ day: string; value: number }>;
  /** Sent → delivered → read. */
  funnel: Array<{ stage: string; value: number }>;
  channelMix: Array<{ channel: string; value: number }>;
}

export function variation(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return (value - previous) / previous;
}

const row = (section: string, label: string, kind: FigureKind, c: Compared): KpiRow => ({
  section,
  label,
  kind,
  value: c.value,
  previous: c.previous,
  variation: variation(c.value, c.previous),
});

const now = (n: number): Compared => ({ value: n, previous: null });

function kpiRows(k: KpiReport): KpiRow[] {
  const m = 'Mensagens';
  return [
    row(m, 'Mensagens enviadas', 'count', k.messages.total),
    row(m, 'Taxa de entrega', 'ratio', k.messages.deliveryRate),
    row(m, 'Taxa de leitura', 'ratio', k.messages.readRate),
    row(m, 'Tempo até a entrega (mediana)', 'durationMs', k.messages.timeToDeliverMs.p50),
    row(m, 'Tempo até a entrega (p90)', 'durationMs', k.messages.timeToDeliverMs.p90),
    row('Conversas', 'Mensagens recebidas', 'count', k.inbound.messages),
    row('Conversas', 'Primeira resposta (mediana)', 'durationMs', k.inbound.firstResponseMs.p50),
    row('Conversas', 'Primeira resposta (p90)', 'durationMs', k.inbound.firstResponseMs.p90),
    row('Eventos', 'Eventos recebidos', 'count', k.events.total),
    row('Eventos', 'Webhooks rejeitados', 'count', k.events.webhookRejections),
    row('Entregas', 'Entregas tentadas', 'count', k.deliveries.attempted),
    row('Entregas', 'Entregas com sucesso', 'count', k.deliveries.succeeded),
    row('Entregas', 'Taxa de sucesso', 'ratio', k.deliveries.successRate),
    row('Entregas', 'Itens na DLQ (agora)', 'count', now(k.deliveries.dlqSize)),
    row('Agendamentos', 'Agendados', 'count', k.appointments.scheduled),
    row('Agendamentos', 'Concluídos', 'count', k.appointments.completed),
    row('Agendamentos', 'Não compareceram', 'count', k.appointments.noShow),
    row('Agendamentos', 'Cancelados', 'count', k.appointments.cancelled),
    row('Cobrança', 'Valor recuperado', 'cents', k.collections.amountRecoveredCents),
    row('Cobrança', 'Promessas de pagamento', 'count', k.collections.promisesMade),
    row('Cobrança', 'Promessas cumpridas', 'count', k.collections.promisesKept),
  ];
}

const table = (title: string, rows: Breakdown[]): BreakdownTable => ({
  title,
  rows: rows.map((r) => ({ ...r, variation: variation(r.value, r.previous) })),
});

const CHANNEL_LABELS: Record<string, string> = { whatsapp: 'WhatsApp', sms: 'SMS', email: 'E-mail' };

const STATUS_STAGES: Array<[string, string]> = [
  ['sent', 'Enviadas'],
  ['delivered', 'Entregues'],
  ['read', 'Lidas'],
];

/**
 * The funnel counts a message at every stage it reached: a read message was also delivered and
 * sent. `byStatus` holds each message's latest status, so the stages are cumulative sums from the
 * end; `messages.total` is the top when it is larger (failed and queued ones were sent too).
 */
function funnelOf(k: KpiReport): ReportModel['funnel'] {
  const of = (status: string) => k.messages.byStatus.find((b) => b.key === status)?.value ?? 0;
  const read = of('read');
  const delivered = of('delivered') + read;
  const sent = Math.max(k.messages.total.value ?? 0, of('sent') + delivered);
  return [sent, delivered, read].map((value, i) => ({ stage: STATUS_STAGES[i][1], value }));
}

export function buildReportModel(input: {
  workspaceName: string;
  kpis: KpiReport;
  sentByDay: TrendSeries;
  generatedAt: Date;
}): ReportModel {
  const { kpis } = input;
  const byDay = new Map<string, number>();
  for (const p of input.sentByDay.points) {
    const day = localDay(new Date(p.at), kpis.timeZone);
    byDay.set(day, (byDay.get(day) ?? 0) + p.value);
  }
  return {
    workspaceName: input.workspaceName,
    timeZone: kpis.timeZone,
    from: new Date(kpis.from),
    to: new Date(kpis.to),
    generatedAt: input.generatedAt,
    kpis: kpiRows(kpis),
    breakdowns: [
      table('Mensagens por canal', kpis.messages.byChannel),
      table('Mensagens por provedor', kpis.messages.byProvider),
      table('Mensagens por status', kpis.messages.byStatus),
      table('Eventos por tipo', kpis.events.byType),
      table('Eventos por origem', kpis.events.bySource),
      table('Execuções de workflows por resultado', kpis.workflows.byOutcome),
    ],
    volumeByDay: daysOf(new Date(kpis.from), new Date(kpis.to), kpis.timeZone).map((day) => ({
      day,
      value: byDay.get(day) ?? 0,
    })),
    funnel: funnelOf(kpis),
    channelMix: kpis.messages.byChannel
      .filter((b) => b.value > 0)
      .map((b) => ({ channel: CHANNEL_LABELS[b.key] ?? b.key, value: b.value })),
  };
}

/** `YYYY-MM-DD` of an instant in a zone (en-CA formats dates that way). */
export function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** Every local day the period [from, to) touches, so that quiet days show as zero. */
function daysOf(from: Date, to: Date, timeZone: string): string[] {
  const last = localDay(new Date(to.getTime() - 1), timeZone);
  const days: string[] = [];
  for (let day = localDay(from, timeZone); day <= last && days.length < 400;) {
    days.push(day);
    const [y, m, d] = day.split('-').map(Number);
    day = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  }
  return days;
}
