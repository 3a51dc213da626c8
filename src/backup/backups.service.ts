import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConfigOf, InjectConfig } from '../config/area-config';
import { AppConfig } from '../config/config';
import { EventBus } from '../events/bus/event-bus';
import { WorkspacesService } from '../gateway/workspaces/workspaces.service';
import { Clock } from '../platform/clock';
import { notFound, ProblemException } from '../platform/http/problem';
import { Page, PageQuery, paginate } from '../platform/http/pagination';
import { JobQueue } from '../platform/queue/job-queue.service';
import { countRows, dumpDatabase } from './archive';
import { backupConfig } from './backup.config';
import { Backup } from './backup.entity';
import { BackupProblem } from './backup.problems';
import { BackupTools } from './backup-tools';

export const createJob = (backupId: string, workspaceId: string) => ({
  name: 'backup.create' as const,
  data: { backupId, workspaceId },
  opts: { jobId: `backup.create-${backupId}` },
});

/**
 * The catalogue of backups and the dump itself: a row `running`, a job that streams pg_dump into
 * an encrypted file, then `completed` (or `failed`, which raises `backup.failed`), then retention.
 */
@Injectable()
export class BackupsService {
  private readonly logger = new Logger('Backup');

  constructor(
    @InjectRepository(Backup) private readonly backups: Repository<Backup>,
    @InjectConfig(backupConfig) private readonly config: ConfigOf<typeof backupConfig>,
    private readonly app: AppConfig,
    private readonly tools: BackupTools,
    private readonly jobs: JobQueue,
    private readonly events: EventBus,
    private readonly workspaces: WorkspacesService,
    private readonly clock: Clock,
  ) {}

  /** A new backup row, and its job. `workspaceId` undefined: the platform's (scheduled backups). */
  async start(trigger: Backup['trigger'], workspaceId?: string): Promise<Backup> {
    if (trigger === 'manual') await this.tools.kit(); // 503 now rather than a failed row later
    const id = uuidv7();
    const now = this.clock.now();
    const row = this.backups.create({
      id,
      workspaceId: workspaceId ?? (await this.workspaces.platformWorkspaceId()),
      trigger,
      status: 'running',
      fileName: `ponte-${now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${id}.pgbak`,
      startedAt: now,
    });
    await this.backups.insert(row);
    const job = createJob(id, row.workspaceId);
    await this.jobs.enqueue(job.name, job.data, job.opts);
    return row;
  }

  /** The dump: runs in the `backup.create` job. A row no longer `running` is left alone. */
  async run(backupId: string): Promise<Backup | null> {
    const row = await this.backups.findOneBy({ id: backupId });
    if (!row || row.status !== 'running') return row;
    const began = Date.now();
    try {
      const kit = await this.tools.kit();
      const client = new Client({
        connectionString: this.app.database.url,
        application_name: 'ponte-backup',
      });
      await client.connect();
      try {
        // One snapshot for the dump and the counts: they describe the same instant.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows: snap } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
        const { rows: version } = await client.query<{ v: string }>(
          "SELECT current_setting('server_version') AS v",
        );
        const { rows: migration } = await client.query<{ name: string }>(
          'SELECT name FROM migrations ORDER BY id DESC LIMIT 1',
        );
        const [file, counts] = await Promise.all([
          dumpDatabase({
            tools: kit.tools,
            url: this.app.database.url,
            file: this.tools.path(row.fileName),
            secret: kit.secret,
            snapshot: snap[0].id,
          }),
          countRows(client),
        ]);
        await client.query('COMMIT');
        Object.assign(row, {
          status: 'completed',
          sizeBytes: file.sizeBytes,
          checksum: file.checksum,
          serverVersion: version[0].v,
          pgDumpVersion: kit.tools.version,
          schemaVersion: migration[0]?.name ?? null,
          rowCounts: counts,
        });
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (err) {
      row.status = 'failed';
      row.error = (err as Error).message.slice(0, 2000);
    }
    row.finishedAt = this.clock.now();
    row.durationMs = Date.now() - began;
    await this.backups.save(row);
    if (row.status === 'failed') {
      this.logger.error(`backup ${row.id} failed: ${row.error}`);
      await this.raiseFailed(row, { step: 'dump', reason: row.error ?? 'unknown' });
    } else {
      this.logger.log(`backup ${row.id}: ${row.sizeBytes} bytes in ${row.durationMs} ms`);
      await this.prune();
    }
    return row;
  }

  /** `backup.failed` in the backup's workspace, once per failure (the alerts of analytics send it). */
  async raiseFailed(row: Backup, why: { step: string; reason: string }): Promise<void> {
    await this.events.emit(
      row.workspaceId,
      'backup.failed',
      {
        backupId: row.id,
        status: row.status,
        trigger: row.trigger,
        startedAt: row.startedAt.toISOString(),
        step: why.step,
        reason: why.reason,
      },
      { dedupeKey: `backup.failed:${row.id}:${row.status}:${row.validation?.startedAt ?? 'dump'}` },
    );
  }

  /**
   * Retention: backups BACKUP_RETENTION_DAYS old or older go (file and row; 40 nightly ones leave 30), except the newest
   * BACKUP_KEEP_VALIDATED validated ones, whatever their age. Running work is never touched.
   */
  async prune(): Promise<string[]> {
    const cutoff = new Date(this.clock.nowMs() - this.config.retentionDays * 86_400_000);
    const pinned = await this.backups.find({
      select: { id: true },
      where: { status: 'validated' },
      order: { startedAt: 'DESC' },
      take: this.config.keepValidated,
    });
    const qb = this.backups
      .createQueryBuilder('b')
      .where('b.startedAt <= :cutoff', { cutoff })
      .andWhere(`b.status IN ('completed', 'failed', 'validated', 'invalid')`)
      .andWhere(`(b.validation IS NULL OR b.validation->>'status' <> 'running')`);
    if (pinned.length) qb.andWhere('b.id NOT IN (:...pinned)', { pinned: pinned.map((p) => p.id) });
    const expired = await qb.getMany();
    for (const b of expired) await this.remove(b);
    if (expired.length) this.logger.log(`retention: ${expired.length} backups removed`);
    return expired.map((b) => b.id);
  }

  list(query: PageQuery): Promise<Page<Backup>> {
    return paginate(this.backups.createQueryBuilder('b'), query);
  }

  async get(id: string): Promise<Backup> {
    const row = await this.backups.findOneBy({ id });
    if (!row) throw notFound('Backup');
    return row;
  }

  async delete(id: string): Promise<void> {
    const row = await this.get(id);
    if (row.status === 'running' || row.validation?.status === 'running')
      throw new BackupProblem(
        'BACKUP_BUSY',
        'The backup is being written or validated; delete it afterwards',
      );
    await this.remove(row);
  }

  private async remove(row: Backup): Promise<void> {
    await rm(this.tools.path(row.fileName), { force: true });
    await this.backups.delete({ id: row.id });
  }

  /** The newest backup that can be validated (completed or validated). */
  newestComplete(): Promise<Backup | null> {
    return this.backups
      .createQueryBuilder('b')
      .where(`b.status IN ('completed', 'validated')`)
      .orderBy('b.startedAt', 'DESC')
      .getOne();
  }

  /** Rows `running` longer than the grace: their job is offered again (a worker that died mid-dump). */
  runningSince(before: Date): Promise<Backup[]> {
    return this.backups
      .createQueryBuilder('b')
      .where(`(b.status = 'running' OR b.validation->>'status' = 'running') AND b.startedAt < :before`, {
        before,
      })
      .getMany();
  }

  save(row: Backup): Promise<Backup> {
    return this.backups.save(row);
  }

  conflict(detail: string): ProblemException {
    return new ProblemException('CONFLICT', detail);
  }
}
