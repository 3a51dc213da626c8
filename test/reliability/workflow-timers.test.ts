import type { ChildProcess } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureBuilt, startWorker } from '../support/built-app';
import { PrivateRedis, waitFor } from '../support/private-redis';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

/** Counts the POSTs each path receives, with their arrival time. */
class Receiver {
  readonly hits: Array<{ path: string; at: number }> = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.hits.push({ path: req.url ?? '', at: Date.now() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.hits.filter((h) => h.path === path).length;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }
}

describe('workflow timers and schedules across worker processes and a Redis wiped clean', () => {
  const redis = new PrivateRedis();
  const receiver = new Receiver();
  let api: TestApp;
  let workers: ChildProcess[] = [];
  let env: Record<string, string>;
  const startWorkers = () => {
    workers = [startWorker(env), startWorker(env)];
  };
  const killWorkers = async () => {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.kill('SIGKILL');
          }),
      ),
    );
  };

  beforeAll(async () => {
    await ensureBuilt();
    await redis.start();
    await receiver.start();
    api = await startTestApp({
      env: { APP_ROLE: 'api', REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '100000' },
    });
    env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      REDIS_URL: redis.url,
      DATABASE_MIGRATE: 'false',
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      EVENT_RETRY_SCHEDULE: '0,300ms,1s',
    });
    startWorkers();
  }, 180_000);

  afterAll(async () => {
    await killWorkers();
    await api.close();
    await redis.stop();
    await receiver.stop();
  });

  const post = (path: string, body: object) => api.http().post(path).set(api.auth()).send(body);

  it('every worker killed during a delay and Redis wiped: once restarted, the next step fires once', async () => {
    const wf = await post('/v1/workflows', {
      key: 'two-calls',
      name: 'Call, wait, call',
      trigger: { event: 'job.done' },
      steps: [
        { id: 'first', type: 'webhook', url: `${receiver.url}/first` },
        { id: 'wait', type: 'delay', duration: 'PT4S' },
        { id: 'second', type: 'webhook', url: `${receiver.url}/second` },
      ],
    });
    expect(wf.status).toBe(201);
    expect((await post('/v1/events', { type: 'job.done', data: {} })).status).toBe(202);
    await waitFor(async () => receiver.count('/first') === 1, 30_000, 'the first call');
    const firstAt = receiver.hits[0].at;
    // killed during the delay, not during the first call (a call in flight may be made again)
    await waitFor(
      async () =>
        (await api.http().get(`/v1/workflows/${wf.body.id}/executions`).set(api.auth())).body.data[0]
          ?.status === 'waiting',
      30_000,
      'the execution waiting',
    );

    await killWorkers();
    await redis.stop(); // it keeps nothing: the restart is a Redis wiped clean
    await redis.start();
    await new Promise((r) => setTimeout(r, 5000)); // the wake time passes with nobody running
    startWorkers();

    await waitFor(async () => receiver.count('/second') === 1, 60_000, 'the second call');
    expect(receiver.hits.find((h) => h.path === '/second')!.at - firstAt).toBeGreaterThanOrEqual(4000);
    await new Promise((r) => setTimeout(r, 3000)); // relay ticks: nothing more
    expect(receiver.count('/second')).toBe(1);
    expect(receiver.count('/first')).toBe(1);
    const [exec] = (await api.http().get(`/v1/workflows/${wf.body.id}/executions`).set(api.auth())).body.data;
    expect(exec.status).toBe('succeeded');
  }, 120_000);

  it('a cron workflow every 2 s with two worker processes runs once per tick', async () => {
    const wf = await post('/v1/workflows', {
      key: 'every-2s',
      name: 'Every 2 s',
      trigger: { schedule: { cron: '*/2 * * * * *' } },
      steps: [
        { id: 'ping', type: 'webhook', url: `${receiver.url}/tick`, body: '{"at": event.data.scheduledAt}' },
      ],
    });
    expect(wf.status).toBe(201);
    await waitFor(async () => receiver.count('/tick') >= 4, 30_000, 'four ticks');
    const deactivated = await api
      .http()
      .patch(`/v1/workflows/${wf.body.id}`)
      .set(api.auth())
      .send({ active: false });
    expect(deactivated.body.active).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    const ticks = receiver.hits.filter((h) => h.path === '/tick').map((h) => h.at);
    const execs = (await api.http().get(`/v1/workflows/${wf.body.id}/executions?limit=200`).set(api.auth()))
      .body.data as Array<{ scheduledAt: string }>;
    expect(ticks.length).toBe(execs.length);
    const scheduled = execs.map((e) => new Date(e.scheduledAt).getTime()).sort((a, b) => a - b);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    for (let i = 1; i < scheduled.length; i++) expect(scheduled[i] - scheduled[i - 1]).toBe(2000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(receiver.count('/tick')).toBe(ticks.length); // deactivated: no more ticks
  }, 60_000);
});
