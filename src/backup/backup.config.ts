import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

/** Five or six cron fields (seconds first when six), as BullMQ job schedulers take them; `off` for none. */
const CRON = /^(\s*\S+(\s+\S+){4,5}\s*|off)$/;

class BackupEnv {
  @IsOptional() @IsString() BACKUP_DIR?: string;
  @IsOptional() @IsString() @MinLength(16) BACKUP_ENCRYPTION_KEY?: string;
  @IsOptional() @Matches(CRON) BACKUP_CRON?: string;
  @IsOptional() @Matches(CRON) BACKUP_VALIDATE_CRON?: string;
  @IsOptional() @IsString() BACKUP_TIME_ZONE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650) BACKUP_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1000) BACKUP_KEEP_VALIDATED?: number;
  @IsOptional() @IsString() PG_BIN_DIR?: string;
}

/** Development only: a well-known key so that `npm start` can take backups with no setting. */
const DEV_BACKUP_KEY = 'ponte-development-backup-key-never-in-production';

/**
 * Backups of Ponte's own database. The key is required in production (backups hold personal
 * data); elsewhere a development key stands in, with a warning at start.
 */
export const backupConfig = defineConfig('backup', BackupEnv, (v, app) => {
  const production = (app?.app.env ?? 'development') === 'production';
  return {
    dir: v.BACKUP_DIR ?? './backups',
    encryptionKey: v.BACKUP_ENCRYPTION_KEY ?? (production ? undefined : DEV_BACKUP_KEY),
    usingDevKey: !v.BACKUP_ENCRYPTION_KEY && !production,
    cron: v.BACKUP_CRON ?? '0 2 * * *',
    validateCron: v.BACKUP_VALIDATE_CRON ?? '0 4 * * 0',
    timeZone: v.BACKUP_TIME_ZONE ?? 'America/Sao_Paulo',
    retentionDays: v.BACKUP_RETENTION_DAYS ?? 30,
    keepValidated: v.BACKUP_KEEP_VALIDATED ?? 3,
    pgBinDir: v.PG_BIN_DIR,
  };
});

export type BackupConfig = ReturnType<typeof backupConfig.load>;
