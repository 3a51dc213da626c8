import { DataSource } from 'typeorm';
import { FactIngest } from '../src/analytics/facts/fact-ingest';
import type { Fact } from '../src/analytics/facts/fact';
import { createDataSource } from '../src/platform/database/data-source';
import { Report, settle, startPonte } from './support';

const NOTIFICATIONS = Number(process.env.BENCH_ANALYTICS_NOTIFICATIONS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_ANALYTICS_EVENTS ?? 1_000_000);
const BATCH = 5_000;
/** Its own database: other benchmarks may run meanwhile. */
const DATABASE = 'ponte_bench_analytics';
const DAY = 86_400_000;
const CHANNELS = ['whatsapp', 'sms', 'email'];
const PROVIDERS: Record<string, string[]> = {
  whatsapp: ['meta', 'zapi'],
  sms: ['twilio'],
  email: ['smtp', 'sendgrid'],
};
const TYPES = [
  'lead.created',
  'order.paid',
  'appointment.scheduled',
  'whatsapp.message.received',
  'invoice.sent',
];

/** Deterministic spread over 90 days. */
const when = (i: number, n: number, end: number) => new Date(end - 90 * DAY + Math.floor((i / n) * 90 * DAY));

/** The facts one notification leaves: sent, mostly delivered (some read), a few failed. */
function notificationFacts(ws: string, i: number, end: number): Fact[] {
  const channel = CHANNELS[i % 3];
  const provider = PROVIDERS[channel][i % PROVIDERS[channel].length];
  const at = when(i, NOTIFICATIONS, end);
  const dims = { workspaceId: ws, channel, provider };
  if (i % 33 === 0)
    return [{ ...dims, id: `n:${i}:failed`, metric: 'messages.failed', at, status: 'failed' }];
  const facts: Fact[] = [{ ...dims, id: `n:${i}:sent`, metric: 'messages.sent', at, status: 'sent' }];
  if (i % 10 !== 0)
    facts.push({
      ...dims,
      id: `n:${i}:delivered`,
      metric: 'messages.delivered',
      at,
      status: 'delivered',
      durationMs: 300 + ((i * 7919) % 20_000),
    });
  if (i % 2 === 0) facts.push({ ...dims, id: `n:${i}:read`, metric: 'messages.read', at, status: 'read' });
  return facts;
}

function eventFacts(ws: string, i: number, end: number): Fact[] {
  const type = TYPES[i % TYPES.length];
  const at = when(i, EVENTS, end);
  const facts: Fact[] = [
    {
      id: `e:${i}`,
      workspaceId: ws,
      metric: 'events.received',
      at,
      eventType: type,
      source: i % 4 ? 'api' : 'meta-source',
    },
  ];
  if (type === 'whatsapp.message.received')
    facts.push({
      id: `e:${i}:in`,
      workspaceId: ws,
      metric: 'messages.inbound',
      at,
      channel: 'whatsapp',
      provider: 'meta',
    });
  return facts;
}

async function seed(ingest: FactIngest, n: number, make: (i: number) => Fact[]): Promise<number> {
  let facts = 0;
  let batch: Fact[] = [];
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(...make(i));
    if (batch.length >= BATCH || i === n - 1) {
      facts += batch.length;
      inFlight.push(ingest.write(batch));
      batch = [];
      if (inFlight.length >= 2) await inFlight.shift();
    }
  }
  await Promise.all(inFlight);
  return facts;
}

async function timed(
  n: number,
  call: () => Promise<unknown>,
): Promise<{ p50: number; p99: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

/**
 * analytics: 1,000,000 notifications' and 1,000,000 events' facts seeded through the module's own
 * ingest statement (batches of 5,000, two in flight), the rollup lag of events posted through the
 * API, then p99 of the KPIs (30 days against the 30 before) and of a 90-day daily trend, next to
 * GET /health/ready in the same run (reference).
 */
export async function analytics(): Promise<void> {
  const report = new Report('analytics');
  const ponte = await startPonte({ RATE_LIMIT_PER_MINUTE: '1000000' }, DATABASE);
  const db: DataSource = await createDataSource({
    url: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
    poolSize: 4,
  }).initialize();
  try {
    const ws = (await ponte.api<{ id: string }>('GET', '/v1/workspace')).id;
    const ingest = new FactIngest(db, { ingestBatch: BATCH });
    const end = Date.now();
    let started = performance.now();
    const nFacts = await seed(ingest, NOTIFICATIONS, (i) => notificationFacts(ws, i, end));
    const notifSeconds = (performance.now() - started) / 1000;
    report.figure('seed-notifications', {
      notifications: NOTIFICATIONS,
      facts: nFacts,
      seconds: Math.round(notifSeconds),
      factsPerSecond: Math.round(nFacts / notifSeconds),
    });
    started = performance.now();
    const eFacts = await seed(ingest, EVENTS, (i) => eventFacts(ws, i, end));
    const eventSeconds = (performance.now() - started) / 1000;
    report.figure('seed-events', {
      events: EVENTS,
      facts: eFacts,
      seconds: Math.round(eventSeconds),
      factsPerSecond: Math.round(eFacts / eventSeconds),
    });
    await db.query('VACUUM ANALYZE analytics_rollups');
    const [{ rows }] = await db.query<Array<{ rows: string }>>(
      'SELECT count(*) AS rows FROM analytics_rollups',
    );
    report.figure('rollup-rows', { rows: Number(rows) });

    // Rollup lag: events accepted by the API until the KPIs count them.
    const period = `from=${new Date(end - 30 * DAY).toISOString()}&to=${new Date(end + DAY).toISOString()}`;
    const total = async () =>
      (await ponte.api<{ events: { total: { value: number } } }>('GET', `/v1/analytics/kpis?${period}`))
        .events.total.value;
    const before = await total();
    const LIVE = 1_000;
    for (let i = 0; i < LIVE; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          ponte.api('POST', '/v1/events', { type: 'bench.live', data: { i: i + j } }),
        ),
      );
    const accepted = performance.now();
    while ((await total()) < before + LIVE) await new Promise((r) => setTimeout(r, 20));
    report.figure('rollup-lag', {
      events: LIVE,
      msAfterLastAccepted: Math.round(performance.now() - accepted),
    });

    await settle();
    const N = Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 200);
    const reference = await timed(N, () => fetch(`${ponte.url}/health/ready`).then((r) => r.text()));
    report.figure('reference-health-ready', reference);
    const kpis = await timed(N, () => ponte.api('GET', `/v1/analytics/kpis?${period}`));
    report.figure('kpis-30-days', {
      ...kpis,
      target: 'p99 <= 200 ms',
      ratioP99ToReference: Math.round((kpis.p99 / reference.p99) * 10) / 10,
    });
    const trendQuery = `metric=messages.sent&interval=day&from=${new Date(end - 90 * DAY).toISOString()}&to=${new Date(end).toISOString()}`;
    const trend = await timed(N, () => ponte.api('GET', `/v1/analytics/trends?${trendQuery}`));
    report.figure('trend-90-days-daily', {
      ...trend,
      target: 'p99 <= 200 ms',
      ratioP99ToReference: Math.round((trend.p99 / reference.p99) * 10) / 10,
    });
    const grouped = await timed(N, () =>
      ponte.api('GET', `/v1/analytics/trends?${trendQuery}&groupBy=channel`),
    );
    report.figure('trend-90-days-daily-by-channel', grouped);
    started = performance.now();
    const rebuilt = await ingest.rebuild();
    report.figure('rebuild', { ...rebuilt, seconds: Math.round((performance.now() - started) / 100) / 10 });
    report.save();
  } finally {
    await db.destroy();
    await ponte.stop();
  }
}
