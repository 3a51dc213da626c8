import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigOf, InjectConfig } from '../config/area-config';
import { AppConfig } from '../config/config';
import { OutboxSweep } from '../platform/outbox/outbox-relay';
import { Clock } from '../platform/clock';
import { OnJob } from '../platform/queue/on-job.decorator';
import { JobQueue } from '../platform/queue/job-queue.service';
import { QueueName } from '../platform/queue/queue.registry';
import { backupConfig } from './backup.config';
import { BackupValidation, validateJob } from './backup-validation';
import { BackupsService, createJob } from './backups.service';

const SCHEDULERS = [
  { id: 'backup-nightly', job: 'backup.nightly', cron: (c: ConfigOf<typeof backupConfig>) => c.cron },
  {
    id: 'backup-validate',
    job: 'backup.validate-newest',
    cron: (c: ConfigOf<typeof backupConfig>) => c.validateCron,
  },
] as const;

/**
 * The backup jobs (thin: they call the services), the two job schedulers (BACKUP_CRON and
 * BACKUP_VALIDATE_CRON in BACKUP_TIME_ZONE: once per tick across instances), and the relay's sweep
 * that offers again the dump or validation of a worker that died.
 */
@Injectable()
export class BackupJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('Backup');

  constructor(
    private readonly backups: BackupsService,
    private readonly validation: BackupValidation,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly app: AppConfig,
    @InjectConfig(backupConfig) private readonly config: ConfigOf<typeof backupConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.app.isWorker) return;
    await this.syncSchedulers().catch((err: Error) =>
      this.logger.warn(`backup schedules deferred to the relay: ${err.message}`),
    );
  }

  @OnJob('backup.create')
  async create(data: { backupId: string; workspaceId: string }): Promise<void> {
    await this.backups.run(data.backupId);
  }

  @OnJob('backup.validate')
  async validate(data: { backupId: string; workspaceId: string }): Promise<void> {
    await this.validation.run(data.backupId);
  }

  @OnJob('backup.nightly')
  async nightly(): Promise<void> {
    await this.backups.start('scheduled');
  }

  @OnJob('backup.validate-newest')
  async validateNewest(): Promise<void> {
    const newest = await this.backups.newestComplete();
    if (newest && newest.validation?.status !== 'running') await this.validation.request(newest.id);
  }

  /** Creates, updates or removes (`off`) the two job schedulers; answers how many were written. */
  async syncSchedulers(): Promise<number> {
    const queue = this.jobs.queue(QueueName.Maintenance);
    const present = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    let written = 0;
    for (const s of SCHEDULERS) {
      const pattern = s.cron(this.config);
      const existing = present.get(s.id);
      if (pattern === 'off') {
        if (existing) await queue.removeJobScheduler(s.id);
        continue;
      }
      if (existing?.pattern === pattern && existing.tz === this.config.timeZone) continue;
      await queue.upsertJobScheduler(s.id, { pattern, tz: this.config.timeZone }, { name: s.job, data: {} });
      written++;
    }
    return written;
  }

  /** After a Redis wipe: the schedulers again; a dump or validation whose job is gone: offered again. */
  @OutboxSweep('backups')
  async relay(graceSeconds: number): Promise<number> {
    if (!this.app.isWorker) return 0;
    const restored = await this.syncSchedulers();
    const before = new Date(this.clock.nowMs() - Math.max(graceSeconds, 60) * 1000);
    const rows = await this.backups.runningSince(before);
    const offered = await this.jobs.reoffer(
      rows.map((b) =>
        b.status === 'running' ? createJob(b.id, b.workspaceId) : validateJob(b, b.validation!.startedAt),
      ),
    );
    return restored + offered;
  }
}
