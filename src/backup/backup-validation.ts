import { Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { AppConfig } from '../config/config';
import { Clock } from '../platform/clock';
import { JobQueue } from '../platform/queue/job-queue.service';
import { countRows, fileChecksum, restoreArchive, RestoreError } from './archive';
import { Backup, ValidationResult } from './backup.entity';
import { BackupProblem } from './backup.problems';
import { BackupTools } from './backup-tools';
import { BackupsService } from './backups.service';
import { databaseName, urlWithDatabase } from './pg-tools';

export const validateJob = (backup: Pick<Backup, 'id' | 'workspaceId'>, startedAt: string) => ({
  name: 'backup.validate' as const,
  data: { backupId: backup.id, workspaceId: backup.workspaceId },
  opts: { jobId: `backup.validate-${backup.id}-${Date.parse(startedAt)}` },
});

type Failure = Required<Pick<ValidationResult, 'step' | 'reason'>> & Pick<ValidationResult, 'mismatches'>;

/**
 * A backup is proven by restoring it: the file's checksum, then decryption and `pg_restore` into a
 * scratch database, then the row count of every table against the one recorded at dump time;
 * the scratch database is dropped whatever happens. `validated` or `invalid` (with the step that
 * failed and why, and `backup.failed`).
 */
@Injectable()
export class BackupValidation {
  private readonly logger = new Logger('Backup');

  constructor(
    private readonly backups: BackupsService,
    private readonly tools: BackupTools,
    private readonly jobs: JobQueue,
    private readonly app: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Marks the validation running and enqueues it. */
  async request(id: string): Promise<Backup> {
    const row = await this.backups.get(id);
    if (row.status === 'running' || row.validation?.status === 'running')
      throw new BackupProblem('BACKUP_BUSY', 'The backup is being written or validated already');
    if (row.status === 'failed') throw this.backups.conflict('A failed backup has no file to validate');
    await this.tools.kit();
    row.validation = { status: 'running', startedAt: this.clock.now().toISOString() };
    await this.backups.save(row);
    const job = validateJob(row, row.validation.startedAt);
    await this.jobs.enqueue(job.name, job.data, job.opts);
    return row;
  }

  /** Runs in the `backup.validate` job. */
  async run(id: string): Promise<Backup | null> {
    const row = await this.backups.get(id).catch(() => null);
    if (!row || row.validation?.status !== 'running') return row;
    const began = Date.now();
    const failure = await this.check(row).catch((err: Error): Failure => ({
      step: 'restore',
      reason: err.message.slice(0, 2000),
    }));
    const finishedAt = this.clock.now();
    row.validation = {
      ...row.validation,
      status: failure ? 'failed' : 'passed',
      finishedAt: finishedAt.toISOString(),
      durationMs: Date.now() - began,
      tablesCompared: Object.keys(row.rowCounts ?? {}).length,
      ...(failure ?? {}),
    };
    row.status = failure ? 'invalid' : 'validated';
    row.validatedAt = finishedAt;
    await this.backups.save(row);
    if (failure) {
      this.logger.error(`backup ${row.id} invalid at ${failure.step}: ${failure.reason}`);
      await this.backups.raiseFailed(row, failure);
    }
    return row;
  }

  private async check(row: Backup): Promise<Failure | undefined> {
    const kit = await this.tools.kit();
    const file = this.tools.path(row.fileName);
    if (!existsSync(file)) return { step: 'checksum', reason: `the file ${row.fileName} is missing` };
    const sum = await fileChecksum(file);
    if (sum !== row.checksum)
      return { step: 'checksum', reason: `SHA-256 of the file is ${sum}, recorded ${row.checksum}` };
    const scratch = scratchName(databaseName(this.app.database.url), row.id);
    await this.admin((c) => c.query(`CREATE DATABASE "${scratch}" TEMPLATE template0`));
    try {
      await restoreArchive({
        tools: kit.tools,
        url: this.app.database.url,
        database: scratch,
        file,
        secret: kit.secret,
      });
      const restored = await this.withDatabase(scratch, countRows);
      const recorded = row.rowCounts ?? {};
      const mismatches = Object.entries(recorded)
        .filter(([table, n]) => restored[table] !== n)
        .map(([table, n]) => ({ table, recorded: n, restored: restored[table] ?? null }));
      if (mismatches.length)
        return {
          step: 'counts',
          reason: `${mismatches.length} tables differ from the counts recorded at dump time`,
          mismatches,
        };
      return undefined;
    } catch (err) {
      if (err instanceof RestoreError) return err.failure;
      throw err;
    } finally {
      await this.admin((c) => c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`)).catch(
        (err: Error) => this.logger.warn(`scratch database ${scratch} not dropped: ${err.message}`),
      );
    }
  }

  private admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    return this.withDatabase('postgres', fn);
  }

  private async withDatabase<T>(database: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      connectionString: urlWithDatabase(this.app.database.url, database),
      application_name: 'ponte-backup',
    });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** `<database>_check_<8 hex>`, within PostgreSQL's 63 bytes. */
export function scratchName(database: string, backupId: string): string {
  const suffix = `_check_${backupId.replace(/-/g, '').slice(-8)}`;
  return `${database.slice(0, 63 - suffix.length)}${suffix}`.replace(/"/g, '');
}
