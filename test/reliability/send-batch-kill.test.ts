import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { ensureBuilt, startWorker } from '../support/built-app';
import { HoldingProvider } from '../support/holding-provider';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const TOTAL = 300;
/** Answered at once, recorded before the kill: these must never be sent again. */
const ANSWERED = 100;
/** Calls waiting at the provider when the worker dies: a batch of claimed sends in flight. */
const IN_FLIGHT = 40;

describe('a worker killed with SIGKILL while a batch of sends waits at the provider', () => {
  let api: TestApp;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;
  const provider = new HoldingProvider();

  beforeAll(async () => {
    await ensureBuilt();
    await provider.start(ANSWERED);
    api = await startTestApp({ env: { APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' } });
    env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      QUEUE_LOCK_DURATION_MS: '3000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      DATABASE_MIGRATE: 'false',
    });
  }, 180_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await api.close();
    provider.stop();
  });

  it('sends every notification, none taken twice by the provider, after a restart', async () => {
    const created = await api
      .http()
      .post('/v1/providers')
      .set(api.auth())
      .send({
        channel: 'whatsapp',
        kind: 'meta',
        name: 'Meta held',
        rateLimitPerSecond: 5000,
        config: { accessToken: 'EAAG-held-token', phoneNumberId: '3001', baseUrl: provider.url },
      });
    expect(created.status).toBe(201);
    const notifications = Array.from({ length: TOTAL }, (_, i) => ({
      to: { phone: `+55319${String(60000000 + i)}` },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: `Cliente ${i}`, businessName: 'Clínica' },
    }));
    const res = await api.http().post('/v1/notifications/bulk').set(api.auth()).send({ notifications });
    expect(res.status).toBe(202);
    const ids: string[] = res.body.results.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(TOTAL);

    const db = api.app.get(DataSource);
    const countSent = async () =>
      Number(
        (
          await db.query(`SELECT count(*) AS n FROM notifications WHERE id = ANY($1) AND status = 'sent'`, [
            ids,
          ])
        )[0].n,
      );
    worker = startWorker(env);
    // the first answers are recorded, and a batch of later calls waits at the provider
    await waitFor(
      async () => (await provider.state()).held >= IN_FLIGHT && (await countSent()) === ANSWERED,
      120_000,
      `${ANSWERED} sent and ${IN_FLIGHT} calls held at the provider`,
    );
    const sending = Number(
      (
        await db.query(`SELECT count(*) AS n FROM notifications WHERE id = ANY($1) AND status = 'sending'`, [
          ids,
        ])
      )[0].n,
    );
    expect(sending).toBeGreaterThanOrEqual(IN_FLIGHT); // claimed, their calls unanswered
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    // the calls died with the worker, unanswered (the provider sees their sockets close a moment later)
    await waitFor(async () => (await provider.state()).held === 0, 30_000, 'held calls closed');
    const atKill = await provider.state();
    expect(Object.keys(atKill.accepted)).toHaveLength(ANSWERED);

    await provider.release();
    worker = startWorker(env);
    // the unanswered `sending` ones are offered again once stale (STUCK_SENDING_MS, 2 minutes)
    await waitFor(async () => (await countSent()) === TOTAL, 280_000, `${TOTAL} sent`);
    const final = await provider.state();
    expect(ids.filter((id) => final.accepted[id] !== 1)).toEqual([]); // each taken exactly once
    // the calls in flight at the kill were made again, and only those
    const twice = ids.filter((id) => final.received[id] > 1);
    expect(twice.length).toBeGreaterThanOrEqual(IN_FLIGHT);
    expect(twice.every((id) => !(id in atKill.accepted))).toBe(true);
    const attempts: Array<{ notification_id: string; sent: string }> = await db.query(
      `SELECT notification_id, count(*) FILTER (WHERE status = 'sent') AS sent FROM notification_attempts
       WHERE notification_id = ANY($1) GROUP BY notification_id`,
      [ids],
    );
    expect(attempts.filter((a) => Number(a.sent) !== 1)).toEqual([]);
    expect(attempts).toHaveLength(TOTAL);
  }, 480_000);
});
