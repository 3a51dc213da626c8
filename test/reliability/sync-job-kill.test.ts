import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { FakeRestErp } from '../fakes/rest-erp';
import { ensureBuilt, startWorker } from '../support/built-app';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const TOTAL = 20_000;

/**
 * A sync job over 20,000 records in pages of 100, its worker killed with SIGKILL half-way: a new
 * worker resumes from the checkpoint (not from the first page), every record lands at the target
 * exactly once, and a second run changes nothing.
 */
describe('a sync job whose worker is killed half-way', () => {
  let api: TestApp;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;
  const source = new FakeRestErp('src');
  const target = new FakeRestErp('dst');

  beforeAll(async () => {
    await ensureBuilt();
    await Promise.all([source.start(), target.start()]);
    source.seed(TOTAL);
    api = await startTestApp({ env: { APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' } });
    env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      QUEUE_LOCK_DURATION_MS: '3000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      DATABASE_MIGRATE: 'false',
      SYNC_JOB_CONCURRENCY: '20',
    });
  }, 240_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await api.close();
    await Promise.all([source.stop(), target.stop()]);
  });

  it('resumes from its checkpoint; each record upserted exactly once; a second run changes nothing', async () => {
    const http = () => api.http();
    const job = await http()
      .post('/v1/sync/jobs')
      .set(api.auth())
      .send({
        name: 'CRM → operations',
        source: {
          kind: 'endpoint',
          url: `${source.url}/records`,
          headers: { Authorization: 'Bearer src' },
          pageSize: 100,
        },
        target: {
          kind: 'endpoint',
          url: `${target.url}/customers/{key}`,
          headers: { Authorization: 'Bearer dst' },
        },
        mapping: '{"name": name, "email": email}',
      });
    expect(job.status).toBe(201);
    const runs = (): Promise<Array<Record<string, any>>> =>
      api.app
        .get(DataSource)
        .query(
          `SELECT id, status, pages, "read", created, updated, unchanged, failed FROM sync_runs WHERE job_id = $1 ORDER BY id`,
          [job.body.id],
        );

    worker = startWorker(env);
    const started = await http().post(`/v1/sync/jobs/${job.body.id}/start`).set(api.auth());
    expect(started.status).toBe(202);
    await waitFor(async () => target.applied.size >= TOTAL * 0.4, 180_000, 'the run to get half-way');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    const [killed] = await runs();
    expect(killed.status).toBe('running'); // it really died mid-run
    expect(target.applied.size).toBeLessThan(TOTAL);
    const checkpoint = killed.pages as number;
    expect(checkpoint).toBeGreaterThan(0);

    worker = startWorker(env);
    const [done] = await waitFor(
      async () => {
        const r = await runs();
        return r[0].status !== 'running' && r;
      },
      240_000,
      'the run to finish',
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      pages: TOTAL / 100,
      read: TOTAL,
      created: TOTAL,
      failed: 0,
    });
    // Every record applied at the target, none twice (a replayed page was answered from the
    // target's idempotency keys, not applied again).
    expect(target.applied.size).toBe(TOTAL);
    expect(target.duplicates()).toEqual([]);
    // Resumed, not restarted: only the very first read of the run went without a cursor.
    const firstPageReads = source.requests({ path: '/records' }).filter((r) => r.query.cursor === undefined);
    expect(firstPageReads).toHaveLength(1);

    const puts = target.requests({ method: 'PUT' }).length;
    const again = await http().post(`/v1/sync/jobs/${job.body.id}/start`).set(api.auth());
    expect(again.status).toBe(202);
    const [, second] = await waitFor(
      async () => {
        const r = await runs();
        return r.length === 2 && r[1].status !== 'running' && r;
      },
      180_000,
      'the second run',
    );
    expect(second).toMatchObject({
      status: 'succeeded',
      read: TOTAL,
      created: 0,
      updated: 0,
      unchanged: TOTAL,
      failed: 0,
    });
    expect(target.requests({ method: 'PUT' })).toHaveLength(puts);
  }, 600_000);
});
