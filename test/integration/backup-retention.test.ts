import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { BackupValidation } from '../../src/backup/backup-validation';
import { BackupsService } from '../../src/backup/backups.service';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** Retention on a controlled clock: one backup per night for 40 nights. */
describe('backup retention and schedules', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ponte-retention-'));
    // API role: no worker races the test for the jobs it runs itself.
    t = await startTestApp({
      env: {
        APP_ROLE: 'api',
        BACKUP_DIR: dir,
        BACKUP_ENCRYPTION_KEY: 'retention-test-key-0123456789',
        BACKUP_RETENTION_DAYS: '30',
        BACKUP_KEEP_VALIDATED: '2',
      },
    });
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('40 nightly backups → the 30 of the last 30 days plus the 2 newest validated ones', async () => {
    const backups = t.app.get(BackupsService);
    const validation = t.app.get(BackupValidation);
    t.clock.freeze('2026-01-01T05:00:00Z'); // 02:00 in São Paulo
    const ids: string[] = [];
    for (let night = 1; night <= 40; night++) {
      const row = await backups.start('scheduled');
      const done = await backups.run(row.id);
      expect(done?.status).toBe('completed');
      ids.push(row.id);
      // Nights 3, 6 and 8 are proven by a restore; only the two newest of them stay pinned.
      if ([3, 6, 8].includes(night)) {
        await validation.request(row.id);
        expect((await validation.run(row.id))?.status).toBe('validated');
      }
      t.clock.advance(DAY);
    }
    const kept = new Set<string>();
    for (let cursor: string | null = null; ;) {
      const page = await backups.list({ limit: 200, cursor: cursor ?? undefined });
      page.data.forEach((b) => kept.add(b.id));
      if (!(cursor = page.nextCursor)) break;
    }
    const night = (n: number) => ids[n - 1];
    const expected = [night(6), night(8), ...ids.slice(10)]; // nights 11..40 are within 30 days
    expect(kept.size).toBe(32);
    expect([...kept].sort()).toEqual(expected.sort());
    expect(kept.has(night(3))).toBe(false); // validated, but not among the 2 newest validated
    expect(kept.has(night(10))).toBe(false); // exactly 30 days old at the last run
    // Files follow their rows.
    expect(readdirSync(dir).filter((f) => f.endsWith('.pgbak')).length).toBe(32);
    // Scheduled backups report to the platform's workspace (the first one).
    const one = await backups.get(night(40));
    expect(one.trigger).toBe('scheduled');
    const ws = await t.http().get('/v1/workspace').set(t.auth());
    expect(one.workspaceId).toBe(ws.body.id);
  }, 300_000);
});

describe('backup job schedulers', () => {
  it('BACKUP_CRON and BACKUP_VALIDATE_CRON become job schedulers in BACKUP_TIME_ZONE; `off` removes them', async () => {
    const t = await startTestApp({ env: { BACKUP_CRON: '0 2 * * *', BACKUP_VALIDATE_CRON: '0 4 * * 0' } });
    const queue = t.app.get<Queue>(getQueueToken('maintenance'), { strict: false });
    try {
      const schedulers = await queue.getJobSchedulers(0, -1);
      const byKey = Object.fromEntries(schedulers.map((s) => [s.key, s]));
      expect(byKey['backup-nightly']).toMatchObject({
        name: 'backup.nightly',
        pattern: '0 2 * * *',
        tz: 'America/Sao_Paulo',
      });
      expect(byKey['backup-validate']).toMatchObject({
        name: 'backup.validate-newest',
        pattern: '0 4 * * 0',
      });
    } finally {
      await t.app.close();
    }
    // Another instance of the same deployment with the schedules off removes them.
    const off = await startTestApp({
      databaseUrl: t.databaseUrl,
      env: { QUEUE_PREFIX: t.config.queue.prefix },
    });
    try {
      const queue2 = off.app.get<Queue>(getQueueToken('maintenance'), { strict: false });
      const keys = (await queue2.getJobSchedulers(0, -1)).map((s) => s.key);
      expect(keys).not.toContain('backup-nightly');
      expect(keys).not.toContain('backup-validate');
    } finally {
      await off.close();
      await t.close().catch(() => undefined);
    }
  }, 60_000);
});
