import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's layout: `postgresql-client-<major>` installs into /usr/lib/postgresql/<major>/bin. */
export const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

export interface PgTools {
  dir: string;
  pgDump: string;
  pgRestore: string;
  /** e.g. `15.20` */
  version: string;
  major: number;
}

/** Why the tools cannot be used, in one line that says how to fix it. */
export class PgToolsError extends Error {}

/**
 * The one way Ponte finds `pg_dump` and `pg_restore`: `PG_BIN_DIR` when set, otherwise the newest
 * `/usr/lib/postgresql/<major>/bin` (Debian's `postgresql-client-<major>`). The client must be at
 * least as new as the server (pg_dump refuses a newer server; pg_restore should match the dump).
 */
export function candidateDirs(pgBinDir?: string, root = DEBIAN_PG_ROOT): string[] {
  if (pgBinDir) return [pgBinDir];
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a))
    .map((d) => join(root, d, 'bin'));
}

export async function findPgTools(pgBinDir: string | undefined, serverMajor: number): Promise<PgTools> {
  const dirs = candidateDirs(pgBinDir);
  const hint = `install Debian's postgresql-client-${serverMajor} (or newer), or set PG_BIN_DIR to the folder holding pg_dump and pg_restore`;
  if (dirs.length === 0)
    throw new PgToolsError(`pg_dump not found (no ${DEBIAN_PG_ROOT}/<major>/bin): ${hint}`);
  const dir = dirs[0];
  const pgDump = join(dir, 'pg_dump');
  const pgRestore = join(dir, 'pg_restore');
  for (const bin of [pgDump, pgRestore])
    if (!existsSync(bin)) throw new PgToolsError(`${bin} is missing: ${hint}`);
  const version = await toolVersion(pgDump);
  const major = Number(version.split('.')[0]);
  if (major < serverMajor)
    throw new PgToolsError(
      `pg_dump ${version} (${dir}) is older than the PostgreSQL ${serverMajor} server, which it cannot dump: ${hint}`,
    );
  return { dir, pgDump, pgRestore, version, major };
}

/** `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → `15.20`. */
export async function toolVersion(bin: string): Promise<string> {
  const { stdout } = await run(bin, ['--version']);
  const match = /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(stdout);
  if (!match) throw new PgToolsError(`${bin} --version printed no PostgreSQL version: ${stdout.trim()}`);
  return match[1];
}

/**
 * libpq's environment for a database URL: the password never appears in a command line (ps), and
 * no shell is involved. `database` overrides the URL's (a scratch database).
 */
export function pgEnv(url: string, database?: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C',
    PGHOST: decodeURIComponent(u.hostname) || '127.0.0.1',
    PGPORT: u.port || '5432',
    PGDATABASE: database ?? (decodeURIComponent(u.pathname.slice(1)) || 'postgres'),
    PGAPPNAME: 'ponte-backup',
    PGCONNECT_TIMEOUT: '10',
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A child process and a promise of its exit: rejects with the last lines of stderr on failure. */
export function spawnTool(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin: 'pipe' | 'ignore',
): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(bin, args, { env, stdio: [stdin, stdin === 'pipe' ? 'ignore' : 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const name = bin.split('/').pop();
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`${name} could not start: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const lines = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${name} exited with ${code ?? signal}${lines ? `: ${lines}` : ''}`));
    });
  });
  return { child, done };
}
