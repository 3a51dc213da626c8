import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { countRows, dumpDatabase, restoreArchive } from '../src/backup/archive';
import { findPgTools, spawnTool, pgEnv } from '../src/backup/pg-tools';
import { dropDatabase, Report, settle } from './support';

const TARGET_MB = Number(process.env.BENCH_BACKUP_MB ?? 300);
const SECRET = 'bench-backup-key-0123456789abcdef';
const MB = 1024 * 1024;

/** Samples this process's RSS every 50 ms while `work` runs: before, peak. */
async function rssDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; beforeMb: number; peakMb: number }> {
  global.gc?.();
  const beforeMb = process.memoryUsage().rss / MB;
  let peakMb = beforeMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, process.memoryUsage().rss / MB)), 50);
  try {
    const result = await work();
    return { result, beforeMb: Math.round(beforeMb), peakMb: Math.round(peakMb) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * backup: the backup module's own pipeline (pg_dump -Fc → AES-256-GCM → SHA-256 → file, row counts
 * in the same snapshot) on a database seeded to BENCH_BACKUP_MB, then its validation (decrypt →
 * pg_restore into a scratch database → row counts). Reference in the same run: bare
 * `pg_dump -Fc > /dev/null`. MB/s are of the database's size on disk; RSS is Node's, sampled.
 */
export async function backup(): Promise<void> {
  const report = new Report('backup');
  const url = await dropDatabase('ponte_bench_backup');
  const scratch = 'ponte_bench_backup_check';
  await dropDatabase(scratch);
  const admin = new Client({ connectionString: url.replace(/\/ponte_bench_backup$/, '/postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE ponte_bench_backup');
  const db = new Client({ connectionString: url });
  await db.connect();
  const dir = mkdtempSync(join(tmpdir(), 'ponte-bench-backup-'));
  try {
    // Rows shaped like stored events: a jsonb payload of ~800 bytes, half of it random hex.
    await db.query(
      `CREATE TABLE events_like (id bigint PRIMARY KEY, type text, received_at timestamptz, data jsonb)`,
    );
    const rowsPerBatch = 50_000;
    for (let start = 0; ; start += rowsPerBatch) {
      await db.query(
        `INSERT INTO events_like SELECT g, 'order.created', now(), jsonb_build_object(
           'customer', md5(g::text), 'note', repeat('pedido confirmado ', 20),
           'random', (SELECT string_agg(md5(random()::text || k.i || g), '') FROM generate_series(1, 12) AS k(i)))
         FROM generate_series($1::bigint, $2::bigint) g`,
        [start, start + rowsPerBatch - 1],
      );
      const { rows } = await db.query<{ size: string }>(
        'SELECT pg_database_size(current_database()) AS size',
      );
      if (Number(rows[0].size) >= TARGET_MB * MB) break;
    }
    await db.query('VACUUM ANALYZE events_like');
    const { rows: sized } = await db.query<{ size: string }>(
      'SELECT pg_database_size(current_database()) AS size',
    );
    const dbMb = Number(sized[0].size) / MB;
    const { rows: server } = await db.query<{ v: string }>(
      "SELECT current_setting('server_version_num') AS v",
    );
    const tools = await findPgTools(process.env.PG_BIN_DIR, Math.floor(Number(server[0].v) / 10000));
    await settle();

    // Reference: pg_dump alone into /dev/null.
    const refStart = performance.now();
    const ref = spawnTool(
      tools.pgDump,
      ['--format=custom', '--no-sync', '--file=/dev/null'],
      pgEnv(url),
      'ignore',
    );
    await ref.done;
    const refSeconds = (performance.now() - refStart) / 1000;
    report.figure('pg_dump-reference', {
      databaseMb: Math.round(dbMb),
      seconds: +refSeconds.toFixed(1),
      mbPerSecond: +(dbMb / refSeconds).toFixed(1),
    });

    const file = join(dir, 'bench.pgbak');
    const dumpStart = performance.now();
    const dump = await rssDuring(async () => {
      await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await db.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      const [written, counts] = await Promise.all([
        dumpDatabase({ tools, url, file, secret: SECRET, snapshot: rows[0].id }),
        countRows(db),
      ]);
      await db.query('COMMIT');
      return { written, counts };
    });
    const dumpSeconds = (performance.now() - dumpStart) / 1000;
    report.figure('dump', {
      databaseMb: Math.round(dbMb),
      fileMb: Math.round(dump.result.written.sizeBytes / MB),
      seconds: +dumpSeconds.toFixed(1),
      mbPerSecond: +(dbMb / dumpSeconds).toFixed(1),
      ratioToPgDump: +(refSeconds / dumpSeconds).toFixed(2),
      rssBeforeMb: dump.beforeMb,
      rssPeakMb: dump.peakMb,
    });

    await settle();
    const validateStart = performance.now();
    const validated = await rssDuring(async () => {
      await admin.query(`CREATE DATABASE ${scratch} TEMPLATE template0`);
      await restoreArchive({ tools, url, database: scratch, file, secret: SECRET });
      const check = new Client({ connectionString: url.replace(/ponte_bench_backup$/, scratch) });
      await check.connect();
      const counts = await countRows(check);
      await check.end();
      return counts;
    });
    const validateSeconds = (performance.now() - validateStart) / 1000;
    const same = JSON.stringify(validated.result) === JSON.stringify(dump.result.counts);
    report.figure('validate', {
      databaseMb: Math.round(dbMb),
      seconds: +validateSeconds.toFixed(1),
      mbPerSecond: +(dbMb / validateSeconds).toFixed(1),
      countsMatch: same,
      rssBeforeMb: validated.beforeMb,
      rssPeakMb: validated.peakMb,
    });
    report.save({ targetMb: TARGET_MB, pgDump: tools.version });
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => undefined);
    await admin.query('DROP DATABASE IF EXISTS ponte_bench_backup WITH (FORCE)').catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
