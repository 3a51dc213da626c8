import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { ensureBuilt, startWorker } from '../support/built-app';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const META = { accessToken: 'EAAG-kill-token', phoneNumberId: '5007' };

/**
 * `lead-welcome` executions started and walked 100 at a time by one worker process (in the
 * process that stored them, leased at insert, with shared step-run and finish statements, each
 * welcome sent by the same process without a job), killed with SIGKILL in the middle: after a
 * restart every execution finishes (the relay takes over the leases the dead worker held), every
 * lead gets one welcome notification, sent once (only a call in flight at the kill may reach the
 * provider twice), and no step has a second run row.
 */
describe('a workflow worker killed with SIGKILL in the middle of a batch', () => {
  let api: TestApp;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;
  const meta = new FakeMetaGraph(META);

  beforeAll(async () => {
    await ensureBuilt();
    await meta.start();
    api = await startTestApp({ env: { APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' } });
    env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      QUEUE_LOCK_DURATION_MS: '3000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      DATABASE_MIGRATE: 'false',
      WORKER_BATCH_CONCURRENCY: '100',
    });
  }, 180_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await api.close();
    await meta.stop();
  });

  it('finishes every execution after a restart, no welcome notification made twice, no step run twice', async () => {
    const post = (path: string, body: object) => api.http().post(path).set(api.auth()).send(body);
    expect(
      (
        await post('/v1/providers', {
          channel: 'whatsapp',
          kind: 'meta',
          name: 'Meta',
          config: { ...META, baseUrl: meta.url },
        })
      ).status,
    ).toBe(201);
    const wf = (await post('/v1/workflows/from-template', { template: 'lead-welcome' })).body;
    const db = api.app.get(DataSource);
    const succeeded = async () =>
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM workflow_executions WHERE workflow_id = $1 AND status = 'succeeded'`,
            [wf.id],
          )
        )[0].n,
      );
    const total = 300;
    const phones = Array.from({ length: total }, (_, i) => `+55319${String(82000000 + i)}`);
    for (let i = 0; i < total; i += 50)
      await Promise.all(
        phones
          .slice(i, i + 50)
          .map(async (phone, j) =>
            expect(
              (await post('/v1/events', { type: 'lead.created', data: { name: `K${i + j}`, phone } })).status,
            ).toBe(202),
          ),
      );

    worker = startWorker(env);
    await waitFor(async () => (await succeeded()) >= 20, 90_000, 'the worker to get going');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    const before = await succeeded();
    expect(before).toBeLessThan(total); // it really died mid-load
    const [{ n: inFlight }]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE template_key = 'lead-welcome' AND status = 'sending'`,
    );

    worker = startWorker(env);
    await waitFor(async () => (await succeeded()) === total, 170_000, `${total} executions succeeded`);

    const runs: Array<{ step_id: string; n: number }> = await db.query(
      `SELECT r.step_id, count(*)::int AS n FROM workflow_step_runs r JOIN workflow_executions e ON e.id = r.execution_id
       WHERE e.workflow_id = $1 AND r.status = 'succeeded' GROUP BY 1 ORDER BY 1`,
      [wf.id],
    );
    expect(runs).toEqual([
      { step_id: 'tag-campaign', n: total },
      { step_id: 'welcome', n: total },
    ]);
    // The notify step's effect: one notification per lead (its id derives from execution and
    // step). A send killed between the provider's answer and its record may reach the provider
    // again: that is the sending stage's guarantee, not this one's.
    const notifications: Array<{ n: number; phones: number }> = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT to_phone)::int AS phones FROM notifications WHERE template_key = 'lead-welcome'`,
    );
    expect(notifications[0]).toEqual({ n: total, phones: total });

    // Every welcome is sent: the ones the dead worker had stored but not sent (no job held them)
    // and the ones it left `sending` are offered again by the relay (the latter once stale, after
    // STUCK_SENDING_MS).
    const sent: Array<{ sent: number }> = await waitFor(
      async () => {
        const rows: Array<{ sent: number }> = await db.query(
          `SELECT count(a.*) FILTER (WHERE a.status = 'sent')::int AS sent FROM notifications n
           LEFT JOIN notification_attempts a ON a.notification_id = n.id
           WHERE n.template_key = 'lead-welcome' AND n.status IN ('sent', 'delivered') GROUP BY n.id`,
        );
        return rows.length === total && rows;
      },
      200_000,
      `${total} welcomes sent`,
    );
    expect(sent.filter((r) => r.sent !== 1)).toEqual([]);
    const byPhone = new Map<string, number>();
    for (const m of meta.sentMessages()) byPhone.set(m.to, (byPhone.get(m.to) ?? 0) + 1);
    expect(byPhone.size).toBe(total);
    expect([...byPhone.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(inFlight);
  }, 480_000);
});
