import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { Clock } from '../platform/clock';
import { MaintenanceMode } from '../platform/maintenance';
import { RedisConnections } from '../platform/queue/redis.connections';
import { RestoreError } from './archive';
import { BackupProblem } from './backup.problems';
import { BackupTools } from './backup-tools';
import { BackupsService } from './backups.service';
import { RestoreRefused, restoreLive, RestoreReport } from './live-restore';
import { databaseName } from './pg-tools';

/** `POST /v1/backups/:id/restore`: maintenance, restore, migrate forward, queues rebuilt, back. */
@Injectable()
export class BackupRestore {
  private readonly logger = new Logger('Restore');

  constructor(
    private readonly backups: BackupsService,
    private readonly tools: BackupTools,
    private readonly app: AppConfig,
    private readonly redis: RedisConnections,
    private readonly maintenance: MaintenanceMode,
    private readonly clock: Clock,
  ) {}

  async restore(id: string, confirm: string): Promise<RestoreReport & { backupId: string }> {
    const row = await this.backups.get(id);
    const database = databaseName(this.app.database.url);
    if (confirm !== database)
      throw new BackupProblem(
        'RESTORE_NOT_CONFIRMED',
        `confirm must be "${database}", the database this restore replaces`,
      );
    if (row.status !== 'completed' && row.status !== 'validated')
      throw new BackupProblem('BACKUP_NOT_RESTORABLE', `The backup is ${row.status}`);
    const kit = await this.tools.kit();
    try {
      const report = await restoreLive(this.tools.path(row.fileName), {
        url: this.app.database.url,
        tools: kit.tools,
        secret: kit.secret,
        redis: this.redis.client,
        queuePrefix: this.app.queue.prefix,
        log: (m) => this.logger.warn(m),
        holdLocally: (info) => this.maintenance.holdLocally(info),
      });
      // The catalogue was put back as it was before the restore: this row is there.
      const restored = await this.backups.get(id);
      restored.restoredAt = this.clock.now();
      await this.backups.save(restored);
      return { backupId: id, ...report };
    } catch (err) {
      if (err instanceof RestoreRefused) throw new BackupProblem('RESTORE_IN_PROGRESS', err.message);
      if (err instanceof RestoreError)
        throw new BackupProblem('BACKUP_NOT_RESTORABLE', `The backup does not restore: ${err.message}`);
      throw err;
    }
  }
}
