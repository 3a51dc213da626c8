import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { admin } from '../support/databases';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

const REAL_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Backups through the API on the test file's own database: a backup proven by a restore into a
 * scratch database, and damaged ones refused with the step that caught them.
 */
describe('backups', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ponte-backups-'));
    t = await startTestApp({
      env: {
        BACKUP_DIR: dir,
        BACKUP_ENCRYPTION_KEY: 'e2e-backup-key-0123456789',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    // Some data worth counting.
    for (let i = 0; i < 5; i++)
      await t
        .http()
        .post('/v1/events')
        .set(t.auth())
        .send({ type: 'order.created', data: { i } })
        .expect(202);
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (id: string) => t.http().get(`/v1/backups/${id}`).set(t.auth());
  const until = (id: string, done: (b: Record<string, any>) => boolean) =>
    waitFor(
      async () => {
        const b = (await get(id)).body;
        return done(b) && b;
      },
      60_000,
      `backup ${id}`,
    );
  const backup = async () => {
    const res = await t.http().post('/v1/backups').set(t.auth()).send({});
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('running');
    return until(res.body.id, (b) => b.status !== 'running');
  };
  const validate = async (id: string) => {
    const res = await t.http().post(`/v1/backups/${id}/validate`).set(t.auth()).send({});
    expect(res.status).toBe(202);
    return until(id, (b) => b.validation?.status !== 'running');
  };
  const failedEvents = async () => {
    const res = await t.http().get('/v1/events?type=backup.failed').set(t.auth());
    return res.body.data as Array<{ id: string; data: Record<string, unknown> }>;
  };

  it('backup → validate → validated, with the counts of every table matching', async () => {
    const b = await backup();
    expect(b).toMatchObject({ status: 'completed', trigger: 'manual', error: null });
    expect(b.sizeBytes).toBeGreaterThan(1000);
    expect(b.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(b.serverVersion).toMatch(/^15\./);
    expect(b.pgDumpVersion).toMatch(/^15\./);
    // The newest migration applied, by its class name (<Name><timestamp>).
    const [stamp, name] = readdirSync(join(__dirname, '../../migrations'))
      .sort()
      .pop()!
      .replace(/\.ts$/, '')
      .split('-');
    expect(b.schemaVersion).toBe(`${name}${stamp}`);
    expect(b.rowCounts.events).toBeGreaterThanOrEqual(5);
    expect(b.rowCounts.workspaces).toBe(1);
    expect(b.rowCounts).not.toHaveProperty('backups');
    // Encrypted: pg_dump's magic and the data never appear in the file.
    const bytes = readFileSync(join(dir, b.fileName));
    expect(bytes.subarray(0, 8).toString()).toBe('PONTEBAK');
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(bytes.includes(Buffer.from('order.created'))).toBe(false);

    const v = await validate(b.id);
    expect(v.status).toBe('validated');
    expect(v.validation).toMatchObject({ status: 'passed', tablesCompared: Object.keys(b.rowCounts).length });
    expect(v.validatedAt).not.toBeNull();
    // The scratch database is gone.
    const left = await admin((c) =>
      c.query(`SELECT datname FROM pg_database WHERE datname LIKE '%_check_%'`),
    );
    expect(left.rows.filter((r) => r.datname.includes(b.id.replace(/-/g, '').slice(-8)))).toEqual([]);

    const list = await t.http().get('/v1/backups').set(t.auth());
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(b.id);
  }, 120_000);

  it('a byte flipped in the file → invalid at the checksum, with the reason, and backup.failed', async () => {
    const b = await backup();
    const path = join(dir, b.fileName);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(path, bytes);
    const v = await validate(b.id);
    expect(v.status).toBe('invalid');
    expect(v.validation).toMatchObject({ status: 'failed', step: 'checksum' });
    expect(v.validation.reason).toContain(`recorded ${b.checksum}`);
    await waitFor(
      async () => (await failedEvents()).some((e) => e.data.backupId === b.id),
      10_000,
      'backup.failed',
    );
    const [event] = (await failedEvents()).filter((e) => e.data.backupId === b.id);
    expect(event.data).toMatchObject({ status: 'invalid', step: 'checksum' });
  }, 120_000);

  it('a truncated file → invalid (the checksum sees it before anything is restored)', async () => {
    const b = await backup();
    const path = join(dir, b.fileName);
    writeFileSync(path, readFileSync(path).subarray(0, Math.floor(b.sizeBytes / 2)));
    const v = await validate(b.id);
    expect(v.status).toBe('invalid');
    expect(v.validation.step).toBe('checksum');
  }, 120_000);

  it('a dump truncated before it was encrypted (checksum and tag intact) → invalid at the restore', async () => {
    // A pg_dump whose output is cut short while the pipeline still reports success: what a checksum
    // cannot catch and only a restore does.
    const bin = mkdtempSync(join(tmpdir(), 'ponte-pgbin-'));
    writeFileSync(join(bin, 'pg_dump'), `#!/bin/sh\n${REAL_BIN}/pg_dump "$@" | head -c 6000\n`);
    chmodSync(join(bin, 'pg_dump'), 0o755);
    writeFileSync(join(bin, 'pg_restore'), `#!/bin/sh\nexec ${REAL_BIN}/pg_restore "$@"\n`);
    chmodSync(join(bin, 'pg_restore'), 0o755);
    const cut = await startTestApp({
      databaseUrl: t.databaseUrl,
      env: {
        BACKUP_DIR: dir,
        BACKUP_ENCRYPTION_KEY: 'e2e-backup-key-0123456789',
        PG_BIN_DIR: bin,
        QUEUE_PREFIX: `${t.config.queue.prefix}-cut`,
      },
    });
    try {
      const res = await cut.http().post('/v1/backups').set(cut.auth()).send({});
      const b = await until(res.body.id, (x) => x.status !== 'running');
      expect(b.status).toBe('completed'); // the dump "succeeded"
      expect(b.sizeBytes).toBeLessThan(6100);
      await cut.http().post(`/v1/backups/${b.id}/validate`).set(cut.auth()).send({}).expect(202);
      const v = await until(b.id, (x) => x.validation?.status !== 'running');
      expect(v.status).toBe('invalid');
      expect(v.validation.step).toBe('restore');
      expect(v.validation.reason).toMatch(/pg_restore exited with 1/);
    } finally {
      await cut.close();
      rmSync(bin, { recursive: true, force: true });
    }
  }, 120_000);

  it('platform operators only; restore refuses without the exact database name; delete removes file and row', async () => {
    const ws = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'tenant' });
    const tenantKey = ws.body.adminKey.key as string;
    expect((await t.http().get('/v1/backups').set(t.auth(tenantKey))).status).toBe(403);
    expect((await t.http().post('/v1/backups').set(t.auth(tenantKey)).send({})).status).toBe(403);

    const b = await backup();
    const database = new URL(t.databaseUrl).pathname.slice(1);
    const wrong = await t.http().post(`/v1/backups/${b.id}/restore`).set(t.auth()).send({ confirm: 'ponte' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('RESTORE_NOT_CONFIRMED');
    expect(wrong.body.detail).toContain(database);
    const none = await t.http().post(`/v1/backups/${b.id}/restore`).set(t.auth()).send({});
    expect(none.status).toBe(400);

    // Idempotency-Key: the same request twice is one backup.
    const first = await t
      .http()
      .post('/v1/backups')
      .set(t.auth())
      .set('Idempotency-Key', 'nightly-manual-1')
      .send({});
    const again = await t
      .http()
      .post('/v1/backups')
      .set(t.auth())
      .set('Idempotency-Key', 'nightly-manual-1')
      .send({});
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    await until(first.body.id, (x) => x.status !== 'running');

    const unknown = await t.http().get('/v1/backups/0193a000-0000-7000-8000-000000000000').set(t.auth());
    expect(unknown.status).toBe(404);
    expect((await t.http().delete(`/v1/backups/${b.id}`).set(t.auth())).status).toBe(204);
    expect((await get(b.id)).status).toBe(404);
    expect(() => readFileSync(join(dir, b.fileName))).toThrow();
    // the catalogue row is really gone
    const client = new Client({ connectionString: t.databaseUrl });
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM backups WHERE id = $1', [b.id]);
    await client.end();
    expect(rowCount).toBe(0);
  }, 120_000);
});
