import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { backupConfig } from './backup.config';
import { Backup } from './backup.entity';
import { BackupJobs } from './backup.jobs';
import './backup.queue';
import { BackupRestore } from './backup-restore.service';
import { BackupTools } from './backup-tools';
import { BackupValidation } from './backup-validation';
import { BackupsController } from './backups.controller';
import { BackupsService } from './backups.service';
import './backup.problems';

/**
 * Backups proven by restoring them: encrypted pg_dump archives on a schedule, validation by a
 * restore into a scratch database, retention, and the restore of the live database in
 * maintenance mode. `backup.failed` goes out through the EventBus.
 */
@Module({
  imports: [EventsModule, GatewayModule, TypeOrmModule.forFeature([Backup])],
  controllers: [BackupsController],
  providers: [
    backupConfig.provider,
    BackupTools,
    BackupsService,
    BackupValidation,
    BackupRestore,
    BackupJobs,
  ],
})
export class BackupModule {}
