import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { EventRecord } from '../../src/events/store/event.entity';

/** The webhooks' own events (each first message also opens a conversation: another event). */
const MESSAGES = 'whatsapp.message.received';
import { waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { ensureBuilt, startWorker } from '../support/built-app';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

describe('a worker killed with SIGKILL in the middle of a load', () => {
  let api: TestApp;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureBuilt();
    api = await startTestApp({ env: { APP_ROLE: 'api' } });
    env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      QUEUE_LOCK_DURATION_MS: '3000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      DATABASE_MIGRATE: 'false',
      WORKER_CONCURRENCY: '20',
    });
    await api
      .http()
      .post('/v1/sources')
      .set(api.auth())
      .send({ name: 'm', slug: 'meta', kind: 'meta', config: { appSecret: 's', verifyToken: 'v' } });
  }, 180_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await api.close();
  });

  it('processes every acknowledged event after a restart, none twice to completion', async () => {
    const repo = api.app.get(DataSource).getRepository(EventRecord);
    worker = startWorker(env);
    const total = 1000;
    let sent = 0;
    const send = async () => {
      while (sent < total) {
        const body = metaTextMessage({ id: `wamid.KILL-${sent++}` });
        const res = await api
          .http()
          .post('/webhooks/meta')
          .set({ 'content-type': 'application/json', 'x-hub-signature-256': sign.meta('s', body) })
          .send(body);
        expect(res.status).toBe(200);
      }
    };
    const load = Promise.all(Array.from({ length: 20 }, send));
    await waitFor(
      async () => (await repo.countBy({ status: 'processed', type: MESSAGES })) >= 150,
      60_000,
      'the worker to get going',
    );
    worker.kill('SIGKILL');
    await load;
    const before = await repo.countBy({ status: 'processed', type: MESSAGES });
    expect(before).toBeLessThan(total); // it really died mid-load

    worker = startWorker(env);
    await waitFor(
      async () => (await repo.countBy({ status: 'processed', type: MESSAGES })) === total,
      90_000,
      `${total} processed`,
    );
    const events = await repo.findBy({ type: MESSAGES });
    expect(events).toHaveLength(total);
    const completions = events.map((e) => e.attemptLog.filter((a) => a.outcome === 'processed').length);
    expect(completions.every((n) => n === 1)).toBe(true);
  }, 180_000);
});
