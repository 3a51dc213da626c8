import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { ensureBuilt } from '../support/built-app';
import { cloneTemplate } from '../support/databases';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { ADMIN_KEY, deleteQueueKeys, TEST_REDIS_URL, testEnv } from '../support/test-app';

const MAIN = join(__dirname, '../../dist/src/main.js');
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Ponte as `npm start` runs it with WEB_CONCURRENCY=2, in the `all` role. */
describe('WEB_CONCURRENCY=2: one port served by a cluster of two processes', () => {
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let primary: ChildProcess;
  let env: Record<string, string>;
  let base: string;
  let output = '';
  const http = () => request(base);

  /** Which process answered and in which role, over a fresh connection each time. */
  const whoAnswers = async () => {
    const res = await http()
      .get('/health/detailed')
      .set(auth)
      .set('Connection', 'close')
      .timeout({ response: 10_000, deadline: 15_000 }); // a request the killed process held fails

    expect(res.status).toBe(200);
    return { pid: res.body.pid as number, role: res.body.role as string };
  };
  const sample = async (n: number) => {
    const seen = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      const { pid, role } = await whoAnswers();
      seen.set(pid, role);
    }
    return seen;
  };

  beforeAll(async () => {
    await ensureBuilt();
    db = await cloneTemplate();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = testEnv(db.url, {
      APP_ROLE: 'all',
      WEB_CONCURRENCY: '2',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '10000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    primary = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: 'pipe' });
    primary.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    primary.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(
      async () => (await http().get('/health/ready')).status === 200,
      120_000,
      'the cluster to serve',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    await http()
      .post('/v1/sources')
      .set(auth)
      .send({ name: 'm', slug: 'meta', kind: 'meta', config: { appSecret: 's', verifyToken: 'v' } })
      .expect(201);
  }, 180_000);

  afterAll(async () => {
    if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
    await deleteQueueKeys(TEST_REDIS_URL, env.QUEUE_PREFIX);
    await db.drop();
  });

  it('answers from two processes; only one of them runs the queue workers', async () => {
    const seen = await waitFor(
      async () => {
        const s = await sample(6);
        return s.size === 2 && s;
      },
      30_000,
      'two pids',
    );
    expect([...seen.keys()]).not.toContain(primary.pid);
    expect([...seen.values()].sort()).toEqual(['all', 'api']);
  });

  it('stores each webhook exactly once through the fast path, copies included, and sums metrics', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `wamid.CLUSTER-${i}`);
    const post = (id: string) => {
      const body = metaTextMessage({ id });
      return http()
        .post('/webhooks/meta')
        .set({
          'content-type': 'application/json',
          'x-hub-signature-256': sign.meta('s', body),
          Connection: 'close',
        })
        .send(body);
    };
    // Each webhook twice at once, on separate connections: the two copies may reach both processes.
    const answers = await Promise.all(ids.flatMap((id) => [post(id), post(id)]));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body.received).toBe(true);
      // The fast path skips helmet's browser headers; the request id stays.
      expect(res.headers['x-content-type-options']).toBeUndefined();
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(answers.filter((r) => r.body.duplicate === true)).toHaveLength(ids.length);
    const refused = await http()
      .post('/webhooks/meta')
      .set({ 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' })
      .send(metaTextMessage());
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('SIGNATURE_INVALID');

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const count = async (sql: string) => Number((await pg.query(sql)).rows[0].n);
      const messages = `FROM events WHERE type = 'whatsapp.message.received'`;
      expect(await count(`SELECT count(*) AS n ${messages}`)).toBe(ids.length);
      expect(await count(`SELECT count(DISTINCT dedupe_key) AS n ${messages}`)).toBe(ids.length);
      // Processed by the one process that runs the workers.
      await waitFor(
        async () => (await count(`SELECT count(*) AS n ${messages} AND status = 'processed'`)) === ids.length,
        90_000,
        'every event processed',
      );
    } finally {
      await pg.end();
    }

    // /metrics is the cluster's: both processes' webhooks, summed, whichever process answers.
    for (let i = 0; i < 2; i++) {
      const metrics = await http().get('/metrics').set(auth).set('Connection', 'close');
      expect(metrics.status).toBe(200);
      const line = metrics.text
        .split('\n')
        .find((l) => l.startsWith('ponte_webhooks_total{') && l.includes('outcome="accepted"'));
      expect(Number(line?.split(' ').pop())).toBe(ids.length);
    }
  }, 180_000);

  it('replaces a killed process and keeps serving on the port', async () => {
    const before = await sample(6);
    const [victim] = [...before.entries()].find(([, role]) => role === 'all')!;
    process.kill(victim, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const s = await sample(6);
        return s.size === 2 && !s.has(victim) && s;
      },
      90_000,
      'a replacement process',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output.slice(-5000)}`);
    });
    // The replacement takes the dead one's slot: still exactly one runs the queue workers.
    expect([...after.values()].sort()).toEqual(['all', 'api']);
    expect(alive(primary.pid!)).toBe(true);
  }, 120_000);

  it('stops every process cleanly on SIGTERM', async () => {
    const pids = [...(await sample(6)).keys()];
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    await waitFor(async () => pids.every((pid) => !alive(pid)), 10_000, 'the workers to exit');
    expect(output).toContain('Shutdown complete');
  }, 60_000);
});
