import { DataSource } from 'typeorm';
import { FactIngest } from '../../src/analytics/facts/fact-ingest';
import { bucketOfMs } from '../../src/analytics/facts/histogram';
import type { Breakdown, KpiReport } from '../../src/analytics/analytics.types';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Brute-force percentile with the same rank rule as the histograms'. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}
const asMap = (b: Breakdown[]) => Object.fromEntries(b.map((r) => [r.key, r.value]));
const countMap = (rows: Array<{ k: string; n: string }>) =>
  Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));

describe('analytics: facts from the real paths, KPIs equal brute-force counts over the raw tables', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startListeningApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('KPIs and a daily trend match SQL over notifications and events; a rebuild gives the same; facts count once', async () => {
    const ws = await workspaceHarness(t);
    const wsId = (await ws.get('/v1/workspace')).body.id as string;
    const now = t.clock.now().getTime();
    const from = new Date(Math.floor(now / HOUR) * HOUR - 10 * DAY);
    const to = new Date(Math.floor(now / HOUR) * HOUR + 2 * HOUR);

    // Messages through the sandbox providers (sent, then delivered), on two channels.
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        await ws.send({
          to: { phone: `+5531990000${100 + i}` },
          channels: ['whatsapp'],
          content: { body: `Oi ${i}` },
        }),
      );
    for (let i = 0; i < 4; i++)
      ids.push(
        await ws.send({
          to: { email: `p${i}@example.com` },
          channels: ['email'],
          content: { subject: 's', body: `Olá ${i}` },
        }),
      );
    // Events spread over days (occurredAt), of several types, two of them counted on their own.
    const events: Array<{ type: string; data: object; occurredAt: string }> = [];
    for (let i = 0; i < 12; i++)
      events.push({
        type: ['lead.created', 'appointment.scheduled', 'order.paid'][i % 3],
        data: { i },
        occurredAt: new Date(now - (i % 5) * DAY - i * 7 * 60_000).toISOString(),
      });
    events.push({
      type: 'collections.debt.paid',
      data: { from: 'promised', amountCents: 12_345, paidCents: 10_000 },
      occurredAt: new Date(now - DAY).toISOString(),
    });
    for (const e of events) expect((await ws.post('/v1/events', e)).status).toBe(202);

    // Webhooks a source refuses (a bad signature) count as rejections, by source.
    const hook = await ws.source('meta', { appSecret: 'meta-app-secret', verifyToken: 'vt' });
    for (let i = 0; i < 3; i++) {
      const refused = await t
        .http()
        .post(new URL(hook).pathname)
        .set('x-hub-signature-256', `sha256=${'0'.repeat(64)}`)
        .send({ object: 'whatsapp_business_account', entry: [] });
      expect(refused.status).toBe(401);
    }

    for (const id of ids) await ws.until(id, 'delivered');
    const kpis = async () =>
      (await ws.get(`/v1/analytics/kpis?from=${from.toISOString()}&to=${to.toISOString()}`))
        .body as KpiReport;
    await waitFor(
      async () => {
        const k = await kpis();
        return (
          k.events.total.value === events.length &&
          k.events.webhookRejections.value === 3 &&
          k.messages.byStatus.find((b) => b.key === 'delivered')?.value === ids.length
        );
      },
      20_000,
      'every fact counted',
    );
    const report = await kpis();

    // The report a person downloads carries the same figures as the KPIs (the real rollups, not fixed ones).
    const csv = await ws.get(
      `/v1/analytics/report?format=csv&from=${from.toISOString()}&to=${to.toISOString()}`,
    );
    expect(csv.status).toBe(200);
    const sentLine = csv.text.split('\r\n').find((l) => l.startsWith('Mensagens;Mensagens enviadas;'));
    expect(sentLine?.split(';')[3]).toBe(String(report.messages.total.value));

    // Brute force over the raw tables (the product never reads them; the test may).
    const sentBy = async (col: string) =>
      countMap(
        await db.query(
          `SELECT ${col} AS k, count(*) AS n FROM notifications WHERE workspace_id = $1 AND status IN ('sent', 'delivered', 'read', 'failed') GROUP BY 1`,
          [wsId],
        ),
      );
    expect(asMap(report.messages.byChannel)).toEqual(await sentBy('channel'));
    expect(asMap(report.messages.byProvider)).toEqual(await sentBy('provider_kind'));
    expect(report.messages.total.value).toBe(ids.length);
    const delivered = countMap(
      await db.query(
        `SELECT 'delivered' AS k, count(*) AS n FROM notifications WHERE workspace_id = $1 AND status IN ('delivered', 'read')`,
        [wsId],
      ),
    );
    expect(asMap(report.messages.byStatus)).toMatchObject({ sent: ids.length, ...delivered });
    expect(report.messages.deliveryRate.value).toBe(1);
    const ttd: Array<{ ms: string }> = await db.query(
      `SELECT (extract(epoch FROM (e->>'at')::timestamptz - created_at) * 1000)::bigint AS ms
       FROM notifications, jsonb_array_elements(timeline) e WHERE workspace_id = $1 AND e->>'status' = 'delivered'`,
      [wsId],
    );
    const durations = ttd.map((r) => Number(r.ms));
    expect(bucketOfMs(report.messages.timeToDeliverMs.p50.value!)).toBe(
      bucketOfMs(percentile(durations, 0.5)),
    );
    expect(bucketOfMs(report.messages.timeToDeliverMs.p90.value!)).toBe(
      bucketOfMs(percentile(durations, 0.9)),
    );

    const eventsBy = async (col: string) =>
      countMap(
        await db.query(
          `SELECT ${col} AS k, count(*) AS n FROM events WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1`,
          [wsId, from, to],
        ),
      );
    expect(asMap(report.events.byType)).toEqual(await eventsBy('type'));
    expect(asMap(report.events.bySource)).toEqual(await eventsBy(`coalesce(source_id::text, 'api')`));
    expect(report.appointments.scheduled.value).toBe((await eventsBy('type'))['appointment.scheduled']);
    expect(report.collections).toMatchObject({
      amountRecoveredCents: { value: 10_000 },
      promisesKept: { value: 1 },
    });
    expect(report.timeZone).toBe('America/Sao_Paulo');
    const [{ n: rejections }] = await db.query(
      `SELECT count(*) AS n FROM source_rejections WHERE workspace_id = $1`,
      [wsId],
    );
    expect(report.events.webhookRejections.value).toBe(Number(rejections));
    expect(Number(rejections)).toBe(3);

    // A daily trend in the workspace's time zone equals a count by local day.
    const trend = (
      await ws.get(
        `/v1/analytics/trends?metric=events.received&interval=day&from=${from.toISOString()}&to=${to.toISOString()}`,
      )
    ).body;
    const byDay = countMap(
      await db.query(
        `SELECT date_trunc('day', occurred_at, 'America/Sao_Paulo') AS k, count(*) AS n FROM events
         WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1`,
        [wsId, from, to],
      ),
    );
    const expected = Object.fromEntries(
      Object.entries(byDay).map(([k, n]) => [new Date(k).toISOString(), n]),
    );
    const nonZero = Object.fromEntries(
      (trend.points as Array<{ at: string; value: number }>)
        .filter((p) => p.value > 0)
        .map((p) => [p.at, p.value]),
    );
    expect(nonZero).toEqual(expected);
    expect(trend.points.length).toBeGreaterThanOrEqual(10); // every day, zeros included
    const grouped = (
      await ws.get(
        `/v1/analytics/trends?metric=messages.sent&interval=hour&groupBy=channel&from=${from.toISOString()}&to=${to.toISOString()}`,
      )
    ).body;
    const sentByChannel: Record<string, number> = {};
    for (const p of grouped.points as Array<{ group: string; value: number }>)
      sentByChannel[p.group] = (sentByChannel[p.group] ?? 0) + p.value;
    expect(sentByChannel).toEqual(await sentBy('channel'));

    // The same fact twice (a re-run subscriber, a repeated status) counts once; a rebuild agrees.
    const ingest = t.app.get(FactIngest);
    const fact = {
      id: `n:${ids[0]}:delivered`,
      workspaceId: wsId,
      metric: 'messages.delivered' as const,
      at: new Date(),
      channel: 'whatsapp',
    };
    await ingest.record([fact, fact]);
    await ingest.rebuild();
    expect(await kpis()).toEqual(report);
  });

  it('answers 400/422 problems for bad parameters and 403 without the scope', async () => {
    const ws = await workspaceHarness(t);
    const bad = async (query: string, status: number, code: string) => {
      const res = await ws.get(`/v1/analytics/${query}`);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe(code);
    };
    await bad('trends?metric=nope', 400, 'VALIDATION_FAILED');
    await bad('trends?metric=messages.sent&interval=fortnight', 400, 'VALIDATION_FAILED');
    await bad('trends?metric=messages.sent&groupBy=colour', 400, 'VALIDATION_FAILED');
    await bad('trends?metric=messages.sent&timeZone=Mars/Olympus', 422, 'ANALYTICS_TIME_ZONE_UNKNOWN');
    await bad('kpis?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 422, 'ANALYTICS_PERIOD_INVALID');
    await bad('kpis?from=yesterday', 400, 'VALIDATION_FAILED');
    await bad(
      'trends?metric=messages.sent&interval=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      422,
      'ANALYTICS_PERIOD_INVALID',
    );
    const key = await ws.post('/v1/api-keys', { name: 'no analytics', scopes: ['events:read'] });
    expect(key.status).toBe(201);
    const res = await t.http().get('/v1/analytics/kpis').set(t.auth(key.body.key));
    expect(res.status).toBe(403);
  });
});
