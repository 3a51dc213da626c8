import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { ArrivalCounter, peakPerSecond } from '../support/arrival-counter';
import { ensureBuilt, startWorker } from '../support/built-app';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const META = { accessToken: 'EAAG-rate-token', phoneNumberId: '2001' };
const LIMIT = 80;
const TOTAL = 2000;

describe('a provider limited to 80 messages a second, two worker processes, a burst of 2,000', () => {
  let api: TestApp;
  const workers: ChildProcess[] = [];
  const meta = new ArrivalCounter();

  beforeAll(async () => {
    await ensureBuilt();
    await meta.start();
    api = await startTestApp({ env: { APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' } });
    const env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      DATABASE_MIGRATE: 'false',
      WORKER_CONCURRENCY: '20',
    });
    workers.push(startWorker(env), startWorker(env));
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await api.close();
    meta.stop();
  });

  it('never exceeds 80 in any sliding second at the provider, and sends all 2,000', async () => {
    const created = await api
      .http()
      .post('/v1/providers')
      .set(api.auth())
      .send({
        channel: 'whatsapp',
        kind: 'meta',
        name: 'Meta 80/s',
        rateLimitPerSecond: LIMIT,
        config: { ...META, baseUrl: meta.url },
      });
    expect(created.status).toBe(201);
    for (let batch = 0; batch < TOTAL / 1000; batch++) {
      const notifications = Array.from({ length: 1000 }, (_, i) => ({
        to: { phone: `+55319${String(70000000 + batch * 1000 + i)}` },
        channels: ['whatsapp'],
        template: 'lead-welcome',
        data: { name: `Cliente ${batch * 1000 + i}`, businessName: 'Clínica' },
      }));
      const res = await api.http().post('/v1/notifications/bulk').set(api.auth()).send({ notifications });
      expect(res.status).toBe(202);
    }
    const arrivals = await waitFor(
      async () => {
        const got = await meta.arrivals();
        return got.length >= TOTAL && got;
      },
      // 25 s at the limit; a loaded CI machine may take many times that (a liveness bound only)
      240_000,
      `${TOTAL} messages at the provider`,
    );
    expect(arrivals).toHaveLength(TOTAL);
    expect(new Set(arrivals.map((a) => a.to)).size).toBe(TOTAL); // none twice
    const times = arrivals.map((a) => a.at);
    const peak = peakPerSecond(times);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    const [{ count }] = await api.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM notifications WHERE status = 'sent'`);
    expect(count).toBe(TOTAL);
  }, 300_000);
});
