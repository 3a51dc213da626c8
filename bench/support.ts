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
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], {
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
