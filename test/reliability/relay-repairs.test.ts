import { Job, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { PrivateRedis, waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * What BullMQ holds can disagree with PostgreSQL: a job failed or completed while its row is not
 * finished (a worker that could not record its outcome), a Redis flushed under a running worker.
 * The relay must repair both without a restart, and stuck work must be visible and retryable.
 */
describe('the relay repairs what BullMQ holds wrongly', () => {
  const redis = new PrivateRedis();
  const receiver = new FakeWebhookReceiver();
  let api: TestApp;
  let worker: TestApp | undefined;
  let direct: Client;
  let connection: IORedis;

  beforeAll(async () => {
    await Promise.all([redis.start(), receiver.start()]);
    api = await startTestApp({
      env: { APP_ROLE: 'api', REDIS_URL: redis.url, STUCK_WORK_AFTER_SECONDS: '60' },
    });
    direct = new Client({ connectionString: api.databaseUrl });
    await direct.connect();
    connection = new IORedis(redis.url, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await direct.end(); // before the database is dropped under it
    await worker?.close();
    await api.close();
    connection.disconnect();
    await Promise.all([redis.stop(), receiver.stop()]);
  });

  const post = (path: string, body: object = {}) => api.http().post(path).set(api.auth()).send(body);
  const status = async (table: string, id: string) =>
    (await direct.query<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [id])).rows[0]
      .status;

  /** Runs one queue's jobs through `process` (an old worker that failed or returned without recording). */
  const runOldWorker = async (queue: QueueName, jobIds: string[], process: (job: Job) => Promise<void>) => {
    const w = new Worker(queue, process, { connection, prefix: api.config.queue.prefix });
    const q = api.app.get(JobQueue).queue(queue);
    await waitFor(
      async () =>
        (await Promise.all(jobIds.map((id) => q.getJobState(id)))).every(
          (s) => s === 'failed' || s === 'completed',
        ),
      15_000,
      `${queue} jobs finished by the old worker`,
    );
    await w.close();
  };

  it('runs work whose job failed or completed unfinished, counts stuck work, and retries a stuck event', async () => {
    const endpoint = await post('/v1/endpoints', {
      name: 'a',
      url: `${receiver.url}/hooks/a`,
      eventTypes: ['nothing.matches'],
    });
    receiver.trust(endpoint.body.secret);
    const failed = (await post('/v1/events', { type: 'order.paid', data: { n: 1 } })).body.id as string;
    const completed = (await post('/v1/events', { type: 'order.paid', data: { n: 2 } })).body.id as string;
    const stuck = (await post('/v1/events', { type: 'order.paid', data: { n: 3 } })).body.id as string;
    const ping = (await post(`/v1/endpoints/${endpoint.body.id}/test`)).body.deliveryId as string;
    const answered = (await post(`/v1/endpoints/${endpoint.body.id}/test`)).body.deliveryId as string;
    // No worker in the API role: an old worker takes the jobs and leaves the rows unfinished. Each
    // event was stored alone, so each rides in a batch job of its own (`evb-<its id>`).
    const eventJobs = [failed, completed, stuck].map((id) => `evb-${id}`);
    await runOldWorker(QueueName.Events, eventJobs, async (job) => {
      if ((job.data as { eventIds: string[] }).eventIds.includes(failed))
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    await runOldWorker(
      QueueName.Deliveries,
      [`dlv-${ping}-r0-0`, `dlv-${answered}-r0-0`],
      async () => undefined,
    );
    // Half-finished: one event left `processing` by its attempt, one delivery `delivering` whose
    // receiver's 2xx is recorded (the worker lost PostgreSQL before settling either).
    await direct.query(`UPDATE events SET status = 'processing', attempts = 1 WHERE id = $1`, [completed]);
    await direct.query(`UPDATE deliveries SET status = 'delivering', attempts = 1 WHERE id = $1`, [answered]);
    await direct.query(
      `INSERT INTO delivery_attempts (id, delivery_id, endpoint_id, attempt, status_code, duration_ms, created_at)
       VALUES (gen_random_uuid(), $1, $2, 1, 204, 12, now())`,
      [answered, endpoint.body.id],
    );
    await direct.query(`UPDATE events SET received_at = now() - interval '2 minutes'`);
    await direct.query(`UPDATE deliveries SET next_attempt_at = now() - interval '2 minutes'`);

    // visible: /health/detailed and the metric
    const detailed = (await api.http().get('/health/detailed').set(api.auth())).body;
    // events and deliveries stuck; every other module's count (each declares its own) zero
    expect(Object.entries(detailed.stuckWork as Record<string, number>).filter(([, n]) => n !== 0)).toEqual([
      ['events', 3],
      ['deliveries', 2],
    ]);
    const metrics = (await api.http().get('/metrics').set(api.auth())).text;
    expect(metrics).toMatch(/ponte_stuck_work\{kind="events"\} 3/);
    expect(metrics).toMatch(/ponte_stuck_work\{kind="deliveries"\} 2/);

    // a stuck event can be retried; a fresh one cannot (it is not stuck, only waiting)
    expect((await post(`/v1/events/${stuck}/retry`)).status).toBe(202);
    const fresh = (await post('/v1/events', { type: 'order.paid', data: { n: 4 } })).body.id as string;
    const refused = await post(`/v1/events/${fresh}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFLICT');

    // A worker starts: its relay offers the rows again despite the failed and completed jobs.
    worker = await startTestApp({
      databaseUrl: api.databaseUrl,
      env: {
        APP_ROLE: 'worker',
        REDIS_URL: redis.url,
        QUEUE_PREFIX: api.config.queue.prefix,
        OUTBOX_RELAY_INTERVAL_MS: '1000',
        DATABASE_MIGRATE: 'false',
      },
    });
    for (const id of [failed, completed, stuck, fresh])
      await waitFor(
        async () => (await status('events', id)) === 'processed',
        30_000,
        `event ${id} processed`,
      );
    await waitFor(
      async () => (await status('deliveries', ping)) === 'succeeded',
      30_000,
      'the ping delivered',
    );
    expect(receiver.deliveries().filter((d) => d.webhookId === `msg_${ping}`)).toHaveLength(1);
    // settled from its recorded 2xx, never sent again
    await waitFor(async () => (await status('deliveries', answered)) === 'succeeded', 30_000, 'settled');
    expect(receiver.deliveries().filter((d) => d.webhookId === `msg_${answered}`)).toHaveLength(0);
    const [log] = (
      await direct.query<{ attempt_log: Array<{ outcome: string }> }>(
        'SELECT attempt_log FROM events WHERE id = $1',
        [completed],
      )
    ).rows;
    expect(log.attempt_log.filter((a) => a.outcome === 'processed')).toHaveLength(1);
    const counts = (await api.http().get('/health/detailed').set(api.auth())).body.stuckWork as Record<
      string,
      number
    >;
    expect(Object.keys(counts)).toEqual(expect.arrayContaining(['events', 'deliveries', 'notifications']));
    expect(Object.entries(counts).filter(([, n]) => n !== 0)).toEqual([]);
  });

  it('re-creates every job scheduler after Redis is flushed under a running worker, without a restart', async () => {
    const maintenance = api.app.get(JobQueue).queue(QueueName.Maintenance);
    const schedulers = async () => (await maintenance.getJobSchedulers(0, -1)).map((s) => s.key).sort();
    const expected = [
      'analytics.alerts-tick',
      'analytics.report-due',
      'audit.purge',
      'calendar.sync-due',
      'events.anonymise',
      'idempotency.purge',
      'sources.purge-rejections',
      'whatsapp.session-check',
    ];
    await waitFor(async () => (await schedulers()).length === expected.length, 15_000, 'the schedulers');
    expect(await schedulers()).toEqual(expected);

    await connection.flushall(); // wiped, with every connection still open: no reconnect to react to
    expect(await schedulers()).toEqual([]);
    await waitFor(async () => (await schedulers()).length === expected.length, 15_000, 'the schedulers back');
    expect(await schedulers()).toEqual(expected);
    // and each has its next run waiting again
    const next = (await maintenance.getJobSchedulers(0, -1)).map((s) => s.next);
    expect(next.every((at) => typeof at === 'number' && at > Date.now())).toBe(true);
  });
});
