import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';

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

export async function recreateDatabase(name: string): Promise<string> {
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

/** autocannon on loopback: closed loop with `connections`, or open loop at `rate` req/s. */
export async function load(opts: autocannon.Options): Promise<LoadFigures> {
  const result = await autocannon({ ...opts });
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
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

/** Ponte built for production on a fresh database; `env` adds or overrides settings. */
export async function startPonte(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; api: Api }> {
  const port = await freePort();
  const databaseUrl = await recreateDatabase('ponte_bench');
  const child = await startProcess(
    join(DIST, 'src/main.js'),
    [],
    {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `bench-${Math.random().toString(36).slice(2, 10)}`,
      BOOTSTRAP_ADMIN_API_KEY: BENCH_ADMIN_KEY,
      JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      APP_ROLE: process.env.BENCH_ROLE ?? 'all',
      ...env,
    },
    `http://127.0.0.1:${port}/health/ready`,
    // e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles Ponte alone
    (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  const url = `http://127.0.0.1:${port}`;
  return { child, url, api: api(url, BENCH_ADMIN_KEY) };
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

/** The reference of every throughput benchmark: a bare Fastify hello-world, closed loop. */
export async function measureReference(report: Report, duration: number): Promise<LoadFigures> {
  const port = await freePort();
  const hello = await startProcess(
    join(DIST, 'bench/hello.js'),
    [String(port)],
    {},
    `http://127.0.0.1:${port}/`,
  );
  try {
    const reference = await load({ url: `http://127.0.0.1:${port}/`, connections: 50, duration });
    report.figure('reference-hello-world', { connections: 50, ...reference });
    return reference;
  } finally {
    await stopProcess(hello);
  }
}
