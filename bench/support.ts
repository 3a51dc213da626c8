import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import IORedis from 'ioredis';
import { openLoop } from './open-loop';
import { Client, Pool } from 'pg';

export const DIST = join(__dirname, '..');
export const RESULTS = join(__dirname, '../../bench/results');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts a process and waits until `readyUrl` answers 200 (bounded). */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const ok = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`${script} was not ready at ${readyUrl} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Drops database `name` if it exists and answers its URL (Ponte creates it again at start). */
export async function dropDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

export interface LoadFigures {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * autocannon on loopback: closed loop with `connections`, or open loop at `rate` req/s. With the
 * pids of the server under test, also the cores each group of processes used meanwhile.
 */
export async function load(
  opts: autocannon.Options,
  server: Array<number | undefined> = [],
): Promise<LoadFigures & { cores?: Record<string, number> }> {
  const { result, cores } = await cpuShare(server, () => autocannon({ ...opts }));
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...(server.length ? { cores } : {}),
  };
}

/** One JSON line per figure, and the whole run in bench/results/<name>.json. */
export class Report {
  private readonly figures: Record<string, unknown>[] = [];

  constructor(private readonly name: string) {}

  figure(figure: string, values: Record<string, unknown>): void {
    const line = { bench: this.name, figure, ...values };
    this.figures.push(line);
    console.log(JSON.stringify(line));
  }

  save(extra: Record<string, unknown> = {}): void {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(
      join(RESULTS, `${this.name}.json`),
      JSON.stringify(
        { bench: this.name, at: new Date().toISOString(), ...extra, figures: this.figures },
        null,
        2,
      ) + '\n',
    );
  }
}

export const BENCH_ADMIN_KEY = 'pk_bench_admin_0123456789abcdefghijkl';

export interface Ponte {
  child: ChildProcess;
  url: string;
  api: Api;
  /** Extra processes of the same deployment (APP_ROLE=worker), started by `addWorker`. */
  workers: ChildProcess[];
  addWorker(): Promise<ChildProcess>;
  stop(): Promise<void>;
}

/** `BENCH_DATABASE` (default `ponte_bench`): two benchmarks at once need two databases. */
export const BENCH_DATABASE = process.env.BENCH_DATABASE ?? 'ponte_bench';

/** Ponte built for production on a fresh database; `env` adds or overrides settings. */
export async function startPonte(
  env: Record<string, string> = {},
  database = BENCH_DATABASE,
): Promise<Ponte> {
  const port = await freePort();
  const databaseUrl = await dropDatabase(database);
  const settings = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `bench-${Math.random().toString(36).slice(2, 10)}`,
    BOOTSTRAP_ADMIN_API_KEY: BENCH_ADMIN_KEY,
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'warn',
    APP_ROLE: process.env.BENCH_ROLE ?? 'all',
    WEB_CONCURRENCY: process.env.BENCH_WEB_CONCURRENCY ?? '1',
    ...env,
  };
  // As `npm start` runs it (the heap's sizing: README, "Throughput or memory"); e.g.
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles Ponte's processes alone.
  const nodeArgs = [
    '--max-semi-space-size=32',
    '--heap-growing-percent=50',
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' '),
  ].filter(Boolean);
  const start = async (role: string | undefined): Promise<ChildProcess> => {
    const own = role ? await freePort() : port;
    return startProcess(
      join(DIST, 'src/main.js'),
      [],
      { ...settings, PORT: String(own), ...(role ? { APP_ROLE: role, WEB_CONCURRENCY: '1' } : {}) },
      `http://127.0.0.1:${own}/health/ready`,
      nodeArgs,
    );
  };
  const child = await start(undefined);
  const url = `http://127.0.0.1:${port}`;
  const workers: ChildProcess[] = [];
  return {
    child,
    url,
    api: api(url, BENCH_ADMIN_KEY),
    workers,
    addWorker: async () => {
      const worker = await start('worker');
      workers.push(worker);
      return worker;
    },
    stop: async () => {
      await Promise.all([child, ...workers].map(stopProcess));
      await dropKeys(`${settings.QUEUE_PREFIX}:*`);
    },
  };
}

/** Deletes a finished run's queues from the shared Redis, so runs do not pile up there. */
async function dropKeys(pattern: string): Promise<void> {
  const redis = new IORedis('redis://127.0.0.1:6379');
  try {
    const stream = redis.scanStream({ match: pattern, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Resident set size of a process in MB (Linux). */
export function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export type Api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;

/** JSON calls to Ponte's API with a key; a non-2xx answer throws with its body. */
export function api(url: string, key: string): Api {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

/** Share of the machine's CPU time busy over `ms` (all cores, from /proc/stat). */
async function busyShare(ms: number): Promise<number> {
  const sample = () => {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return { idle: ticks[3] + ticks[4], total: ticks.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/**
 * Waits (≤ 60 s) until the previous benchmark's aftermath has settled: PostgreSQL checkpointed and
 * the machine under 10 % busy. A reference measured while PostgreSQL still writes out the last
 * run's data came out 40 % low, and every ratio with it.
 */
export async function settle(): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('CHECKPOINT');
  await admin.end();
  const deadline = Date.now() + 60_000;
  while ((await busyShare(1000)) > 0.1 && Date.now() < deadline);
}

/** The reference server: a bare Fastify hello-world, on a settled machine. */
export async function startHello(): Promise<{ url: string; child: ChildProcess }> {
  await settle();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  return { url, child: await startProcess(join(DIST, 'bench/hello.js'), [String(port)], {}, url) };
}

/** The same open loop as Ponte's fixed-rate phases, against the hello-world: the generator's own floor. */
export function helloAtFixedRate(url: string, rate: number, duration: number): Promise<LoadFigures> {
  const body = JSON.stringify({ hello: 'x'.repeat(600) });
  const request = () => ({
    method: 'POST' as const,
    path: '/',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return openLoop({ url, rate, duration, request });
}

/**
 * The reference of every throughput benchmark: a bare Fastify hello-world, closed loop, on a
 * settled machine; the better of two halves, so a passing disturbance does not make the ratio.
 */
export async function measureReference(
  report: Report,
  duration: number,
  fixedRate?: number,
): Promise<LoadFigures> {
  const { url, child: hello } = await startHello();
  try {
    const halves = [];
    for (let i = 0; i < 2; i++)
      halves.push(await load({ url, connections: 50, duration: Math.max(1, duration / 2) }, [hello.pid]));
    const reference = halves[0].rps >= halves[1].rps ? halves[0] : halves[1];
    report.figure('reference-hello-world', {
      connections: 50,
      ...reference,
      halves: halves.map((h) => h.rps),
    });
    if (fixedRate) {
      const fixed = await helloAtFixedRate(url, fixedRate, duration);
      report.figure(`reference-hello-world-${fixedRate}rps`, { rate: fixedRate, ...fixed });
    }
    return reference;
  } finally {
    await stopProcess(hello);
  }
}

/**
 * CPU time (seconds) so far of every process, by group: Ponte's processes (those named and their
 * children), PostgreSQL, Redis, the bench.
 */
export function cpuSeconds(ponte: Array<number | undefined>): Record<string, number> {
  const groups: Record<string, number> = { ponte: 0, postgres: 0, redis: 0, bench: 0, other: 0 };
  const own = new Set(ponte.filter((p): p is number => p !== undefined));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in ticks of 10 ms
    const pid = Number(entry);
    // A cluster's workers (WEB_CONCURRENCY) are the children of the Ponte process started.
    const group =
      own.has(pid) || own.has(Number(fields[1]))
        ? 'ponte'
        : pid === process.pid
          ? 'bench'
          : comm === 'postgres'
            ? 'postgres'
            : comm.startsWith('redis-server')
              ? 'redis'
              : 'other';
    groups[group] += seconds;
  }
  return groups;
}

/** Measures how many cores each group used while `work` ran. */
export async function cpuShare<T>(
  ponte: Array<number | undefined>,
  work: () => Promise<T>,
): Promise<{ result: T; cores: Record<string, number> }> {
  const before = cpuSeconds(ponte);
  const started = performance.now();
  const result = await work();
  const elapsed = (performance.now() - started) / 1000;
  const after = cpuSeconds(ponte);
  const cores = Object.fromEntries(
    Object.keys(after).map((k) => [k, +((after[k] - before[k]) / elapsed).toFixed(2)]),
  );
  return { result, cores };
}

/** Transactions committed so far in a database (pg_stat_database; a statement outside a transaction is one). */
export async function pgCommits(database: string): Promise<number> {
  const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * The machine's commit capacity: single-row INSERTs, each its own transaction, from 16 clients for
 * `seconds` (what a statement-per-commit design can reach here at best), in a scratch database.
 */
export async function measurePostgresCommits(report: Report, seconds = 5): Promise<number> {
  const url = await dropDatabase('ponte_bench_commits');
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE ponte_bench_commits');
  await admin.end();
  const pool = new Pool({ connectionString: url, max: 16 });
  pool.on('error', () => undefined); // the drop below ends its idle connections
  try {
    await pool.query('CREATE TABLE t (id bigserial PRIMARY KEY, data jsonb NOT NULL)');
    let commits = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < until) {
          await pool.query('INSERT INTO t (data) VALUES ($1)', [{ to: '5531999999999', status: 'sent' }]);
          commits++;
        }
      }),
    );
    const perSecond = Math.round(commits / seconds);
    report.figure('reference-postgres-commits', { clients: 16, commitsPerSecond: perSecond });
    return perSecond;
  } finally {
    await pool.end();
    await dropDatabase('ponte_bench_commits');
  }
}
