import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { BackupFileError, decryptingStream, encryptingStream, HashTap } from './backup-file';
import { pgEnv, PgTools, spawnTool } from './pg-tools';

/** The catalogue of backups is never part of a dump's data: a restore keeps the one it finds. */
export const CATALOGUE_TABLE = 'backups';

/**
 * `pg_dump -Fc` of the database → AES-256-GCM → SHA-256 → `<file>.tmp`, renamed to `file` once
 * complete (a crash leaves only a `.tmp`). Streams throughout: memory stays flat whatever the size.
 * `snapshot` makes the dump see exactly what the row counts saw.
 */
export async function dumpDatabase(opts: {
  tools: PgTools;
  url: string;
  file: string;
  secret: string;
  snapshot?: string;
}): Promise<{ sizeBytes: number; checksum: string }> {
  const tmp = `${opts.file}.tmp`;
  const args = ['--format=custom', '--no-password', `--exclude-table-data=${CATALOGUE_TABLE}`];
  if (opts.snapshot) args.push(`--snapshot=${opts.snapshot}`);
  // The key is derived before pg_dump starts: its output is consumed from the first byte.
  const encrypt = await encryptingStream(opts.secret);
  const tap = new HashTap();
  const { child, done } = spawnTool(opts.tools.pgDump, args, pgEnv(opts.url), 'ignore');
  try {
    await Promise.all([pipeline(child.stdout!, encrypt, tap, createWriteStream(tmp, { mode: 0o600 })), done]);
    await rename(tmp, opts.file);
    return { sizeBytes: tap.bytes, checksum: tap.hex() };
  } catch (err) {
    child.kill('SIGKILL');
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function fileChecksum(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/** Decrypts the whole file without keeping it: throws BackupFileError when it fails authentication. */
export async function verifyFile(file: string, secret: string): Promise<void> {
  await pipeline(createReadStream(file), decryptingStream(secret), discard());
}

export type RestoreFailure = { step: 'decrypt' | 'restore'; reason: string };

export class RestoreError extends Error {
  constructor(readonly failure: RestoreFailure) {
    super(`${failure.step}: ${failure.reason}`);
  }
}

/**
 * The file → decrypt → `pg_restore` into `database` (on the server of `url`). The failing part is
 * named: `decrypt` when the file does not authenticate, `restore` when pg_restore refuses the
 * archive (a truncated dump, a corrupt one).
 */
export async function restoreArchive(opts: {
  tools: PgTools;
  url: string;
  database: string;
  file: string;
  secret: string;
}): Promise<void> {
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${opts.database}`];
  const { child, done } = spawnTool(opts.tools.pgRestore, args, pgEnv(opts.url, opts.database), 'pipe');
  let decryptError: Error | undefined;
  const decrypt = decryptingStream(opts.secret);
  decrypt.once('error', (err) => (decryptError = err));
  const feeding = pipeline(createReadStream(opts.file), decrypt, child.stdin!);
  const [fed, exited] = await Promise.allSettled([feeding, done]);
  if (decryptError instanceof BackupFileError)
    throw new RestoreError({ step: 'decrypt', reason: decryptError.message });
  if (exited.status === 'rejected')
    throw new RestoreError({ step: 'restore', reason: (exited.reason as Error).message });
  if (fed.status === 'rejected')
    throw new RestoreError({ step: 'restore', reason: (fed.reason as Error).message });
}

/** Tables of the public schema, by name. */
export async function publicTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Exact `count(*)` per table (the catalogue excepted), in the client's current snapshot. */
export async function countRows(client: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await publicTables(client)) {
    if (table === CATALOGUE_TABLE) continue;
    const quoted = `"${table.replace(/"/g, '""')}"`;
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoted}`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}
