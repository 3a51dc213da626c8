import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { Client } from 'pg';
import { createDataSource } from '../platform/database/data-source';
import { runMigrations } from '../platform/database/migrator';
import {
  enterMaintenance,
  exitMaintenance,
  MaintenanceInfo,
  refreshMaintenance,
} from '../platform/maintenance';
import { ALL_QUEUES } from '../platform/queue/queue.registry';
import { CATALOGUE_TABLE, restoreArchive, RestoreError, verifyFile } from './archive';
import { BackupFileError } from './backup-file';
import { databaseName, PgTools } from './pg-tools';

export interface LiveRestoreOptions {
  url: string;
  tools: PgTools;
  secret: string;
  /** Absent (the CLI with Redis down): no maintenance flag, no job clean-up; workers rebuild at start. */
  redis?: IORedis;
  queuePrefix: string;
  log: (message: string) => void;
  /** The restoring instance holds the flag itself too (no poll delay); the CLI has no app. */
  holdLocally?: (info: MaintenanceInfo | undefined) => void;
  /** How long to wait for running jobs to finish once workers are paused (default 60 s). */
  drainTimeoutMs?: number;
}

export interface RestoreReport {
  database: string;
  durationMs: number;
  /** Migrations run after the restore (the dump was older than the code). */
  migrationsRun: string[];
  /** Jobs of the time after the backup removed from Redis (the relay offers PostgreSQL's again). */
  jobsRemoved: number;
}

export class RestoreRefused extends Error {}

const FLAG_TTL_MS = 60_000;
export const RETRY_AFTER_SECONDS = 30;

/**
 * Replaces the live database with a backup file:
 * 1. the whole file is authenticated first (a damaged file never touches the database);
 * 2. maintenance mode: every instance answers 503 (readiness, API, webhooks with `Retry-After`)
 *    and pauses its workers; the queues are paused in Redis too (so no instance that has not yet
 *    seen the flag takes a job), and running jobs are waited for;
 * 3. the public schema is emptied and `pg_restore` loads the archive (so tables newer than the
 *    dump go too, and migrations can run forward cleanly);
 * 4. migrations run forward; the catalogue of backups found before is put back;
 * 5. waiting and delayed jobs (the time after the backup) are removed from Redis, and the outbox
 *    relay of every worker offers again what PostgreSQL holds unfinished — events, deliveries,
 *    notifications, workflow steps and timers — as after a Redis wipe;
 * 6. the queues resume and maintenance ends (should this process die first, the flag lapses and
 *    every worker gate resumes the queues when it sees maintenance over).
 */
export async function restoreLive(file: string, o: LiveRestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const database = databaseName(o.url);
  try {
    await verifyFile(file, o.secret);
  } catch (err) {
    if (err instanceof BackupFileError) throw new RestoreError({ step: 'decrypt', reason: err.message });
    throw err;
  }
  const info: MaintenanceInfo = {
    reason: `restoring database ${database} from a backup`,
    since: new Date().toISOString(),
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  };
  const redis = o.redis;
  if (redis && !(await enterMaintenance(redis, o.queuePrefix, info, FLAG_TTL_MS)))
    throw new RestoreRefused('a restore is already running (maintenance flag held)');
  o.holdLocally?.(info);
  const heartbeat = setInterval(() => {
    if (redis) void refreshMaintenance(redis, o.queuePrefix, FLAG_TTL_MS).catch(() => undefined);
  }, FLAG_TTL_MS / 4);
  const queues = redis
    ? ALL_QUEUES.map((name) => new Queue(name, { connection: redis, prefix: o.queuePrefix }))
    : [];
  try {
    o.log(`maintenance on: queues paused, waiting for running jobs to finish`);
    // Paused in Redis, not only by each instance's gate (which hears of maintenance a poll later):
    // no worker anywhere takes a job while the database is replaced.
    await Promise.all(queues.map((q) => q.pause()));
    if (redis) await waitForIdle(queues, o.drainTimeoutMs ?? 60_000);
    const catalogue = await emptySchema(o.url);
    o.log(`restoring ${database} from ${file}`);
    await restoreArchive({ tools: o.tools, url: o.url, database, file, secret: o.secret });
    const migrationsRun = await migrate(o.url);
    if (migrationsRun.length) o.log(`migrated forward: ${migrationsRun.join(', ')}`);
    await putBackCatalogue(o.url, catalogue);
    const jobsRemoved = await removeStaleJobs(queues);
    const report = { database, durationMs: Date.now() - started, migrationsRun, jobsRemoved };
    o.log(`restore of ${database} done in ${report.durationMs} ms; ${jobsRemoved} stale jobs removed`);
    return report;
  } finally {
    clearInterval(heartbeat);
    await Promise.all(queues.map((q) => q.resume().catch(() => undefined)));
    if (redis) await exitMaintenance(redis, o.queuePrefix).catch(() => undefined);
    o.holdLocally?.(undefined);
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}

/** Workers pause within a second of the flag (WorkerGate); then the running jobs finish. */
async function waitForIdle(queues: Queue[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await new Promise((r) => setTimeout(r, 1500));
  for (;;) {
    const active = (await Promise.all(queues.map((q) => q.getActiveCount()))).reduce((a, b) => a + b, 0);
    if (active === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'ponte-restore' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and re-creates the public schema (same owner); answers the catalogue rows found before. */
async function emptySchema(url: string): Promise<unknown[]> {
  return withClient(url, async (client) => {
    const { rows: found } = await client.query<{ exists: boolean }>(
      `SELECT to_regclass('public.${CATALOGUE_TABLE}') IS NOT NULL AS exists`,
    );
    const catalogue = found[0].exists
      ? (
          await client.query<{ row: unknown }>(`SELECT to_jsonb(b) AS row FROM ${CATALOGUE_TABLE} b`)
        ).rows.map((r) => r.row)
      : [];
    const { rows } = await client.query<{ owner: string }>(
      `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'public'`,
    );
    const owner = `"${(rows[0]?.owner ?? 'pg_database_owner').replace(/"/g, '""')}"`;
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query(`CREATE SCHEMA public AUTHORIZATION ${owner}`);
    await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
    return catalogue;
  });
}

async function migrate(url: string): Promise<string[]> {
  // Two: runMigrations holds one for its advisory lock while TypeORM migrates on another.
  const dataSource = await createDataSource({ url, poolSize: 2 }).initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function putBackCatalogue(url: string, rows: unknown[]): Promise<void> {
  if (rows.length === 0) return;
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO ${CATALOGUE_TABLE}
         SELECT * FROM jsonb_populate_recordset(NULL::${CATALOGUE_TABLE}, $1::jsonb) ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows)],
    ),
  );
}

/**
 * Waiting and delayed jobs belong to the time after the backup: removed, except the job
 * schedulers' own runs (removing one would stop its schedule). Failed and completed ones are left
 * to the relay, which replaces those whose row is unfinished again.
 */
async function removeStaleJobs(queues: Queue[]): Promise<number> {
  let removed = 0;
  for (const queue of queues) {
    // one state at a time (a paused queue keeps its waiting jobs in 'wait')
    for (const type of ['wait', 'prioritized', 'delayed'] as const) {
      for (let start = 0; ;) {
        const jobs = (await queue.getJobs([type], start, start + 499, true)).filter(Boolean);
        if (jobs.length === 0) break;
        for (const job of jobs) {
          if (job.repeatJobKey) start++;
          else if (
            await job.remove().then(
              () => true,
              () => false,
            )
          )
            removed++;
          else start++;
        }
      }
    }
  }
  return removed;
}
