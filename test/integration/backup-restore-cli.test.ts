import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ensureBuilt } from '../support/built-app';
import { admin, runId, TEST_DB_PREFIX, urlFor } from '../support/databases';
import { waitFor } from '../support/private-redis';
import { startTestApp, testEnv } from '../support/test-app';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/src/backup/restore-cli.js');
const KEY = 'cli-restore-key-0123456789';

/** `npm run backup:restore -- <file>` for a dead instance: into a database that does not exist yet. */
describe('backup:restore from the command line', () => {
  it('creates the database, restores the backup and migrates; refuses without the confirmation', async () => {
    await ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ponte-cli-restore-'));
    const t = await startTestApp({
      env: { BACKUP_DIR: dir, BACKUP_ENCRYPTION_KEY: KEY, RATE_LIMIT_PER_MINUTE: '100000' },
    });
    const target = `${TEST_DB_PREFIX}${runId()}_${process.pid}_cli`;
    try {
      for (let i = 0; i < 7; i++)
        await t.http().post('/v1/events').set(t.auth()).send({ type: 'cli.probe', data: { i } }).expect(202);
      const created = await t.http().post('/v1/backups').set(t.auth()).send({});
      const backup = await waitFor(
        async () => {
          const b = (await t.http().get(`/v1/backups/${created.body.id}`).set(t.auth())).body;
          return b.status !== 'running' && b;
        },
        60_000,
        'backup',
      );
      expect(backup.status).toBe('completed');
      const file = join(dir, backup.fileName as string);
      const env = {
        ...process.env,
        ...testEnv(urlFor(target), {
          BACKUP_ENCRYPTION_KEY: KEY,
          QUEUE_PREFIX: `${t.config.queue.prefix}-cli`,
        }),
      };

      await expect(run(process.execPath, [CLI, file, '--confirm=ponte'], { env })).rejects.toMatchObject({
        stderr: expect.stringContaining('Not confirmed'),
      });
      const { stdout } = await run(process.execPath, [CLI, file, `--confirm=${target}`], { env });
      expect(stdout).toContain(`Created database ${target}`);
      const report = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(report).toMatchObject({ database: target, migrationsRun: [] });

      const client = new Client({ connectionString: urlFor(target) });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM events WHERE type = 'cli.probe'`);
      const { rows: migrations } = await client.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
      await client.end();
      expect(rows[0].n).toBe(7);
      expect(migrations[0].name).toBe(backup.schemaVersion);
    } finally {
      await t.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
