import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PageOf } from '../platform/http/pagination';
import { Backup, BACKUP_STATUSES, BackupStatus } from './backup.entity';

export class RestoreBackupDto {
  @ApiProperty({
    description:
      'The name of the database the restore replaces (Ponte’s own, e.g. `ponte`): typed out so that nobody restores by accident',
    example: 'ponte',
  })
  @IsString()
  @Length(1, 63)
  confirm: string;
}

export class RowCountMismatchView {
  @ApiProperty({ description: 'Table', example: 'events' })
  table: string;
  @ApiProperty({ description: 'Rows at dump time', example: 1200 })
  recorded: number;
  @ApiProperty({
    description: 'Rows in the scratch restore (null: table missing)',
    nullable: true,
    type: Number,
    example: 1100,
  })
  restored: number | null;
}

export class ValidationView {
  @ApiProperty({ description: 'Where the validation is', enum: ['running', 'passed', 'failed'] })
  status: 'running' | 'passed' | 'failed';
  @ApiProperty({ description: 'When it started', example: '2026-12-03T05:00:00.000Z' })
  startedAt: string;
  @ApiProperty({ description: 'When it ended', required: false, example: '2026-12-03T05:00:42.000Z' })
  finishedAt?: string;
  @ApiProperty({ description: 'How long it took', required: false, example: 42000 })
  durationMs?: number;
  @ApiProperty({
    description:
      'The check that failed: the file’s checksum, its decryption, pg_restore into a scratch database, or the row counts',
    required: false,
    enum: ['checksum', 'decrypt', 'restore', 'counts'],
  })
  step?: string;
  @ApiProperty({ description: 'Why it failed', required: false, example: 'pg_restore exited with 1: ...' })
  reason?: string;
  @ApiProperty({ description: 'Tables whose counts differ', required: false, type: [RowCountMismatchView] })
  mismatches?: RowCountMismatchView[];
  @ApiProperty({ description: 'Tables compared', required: false, example: 24 })
  tablesCompared?: number;
}

export class BackupView {
  @ApiProperty({ description: 'Backup id (UUIDv7)', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({ description: 'What started it', enum: ['manual', 'scheduled'] })
  trigger: 'manual' | 'scheduled';
  @ApiProperty({
    description:
      '`running` while dumping; `completed` once written; `validated` / `invalid` after a restore test; `failed` when the dump failed',
    enum: BACKUP_STATUSES,
  })
  status: BackupStatus;
  @ApiProperty({ description: 'File name in BACKUP_DIR', example: 'ponte-20261203T050000Z-01936b2e-….pgbak' })
  fileName: string;
  @ApiProperty({
    description: 'Size of the encrypted file in bytes',
    nullable: true,
    type: Number,
    example: 73400320,
  })
  sizeBytes: number | null;
  @ApiProperty({
    description: 'SHA-256 (hex) of the file as stored; `sha256sum` prints the same',
    nullable: true,
    type: String,
  })
  checksum: string | null;
  @ApiProperty({
    description: 'PostgreSQL server version dumped',
    nullable: true,
    type: String,
    example: '16.4',
  })
  serverVersion: string | null;
  @ApiProperty({ description: 'pg_dump version used', nullable: true, type: String, example: '17.6' })
  pgDumpVersion: string | null;
  @ApiProperty({
    description: 'Schema version: the last migration applied at dump time',
    nullable: true,
    type: String,
    example: 'Backups1796400000000',
  })
  schemaVersion: string | null;
  @ApiProperty({
    description: 'Rows per table at dump time (same snapshot as the dump)',
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { events: 1200, deliveries: 300 },
  })
  rowCounts: Record<string, number> | null;
  @ApiProperty({ description: 'When the dump started', example: '2026-12-03T05:00:00.000Z' })
  startedAt: string;
  @ApiProperty({ description: 'When it ended', nullable: true, type: String })
  finishedAt: string | null;
  @ApiProperty({ description: 'How long the dump took', nullable: true, type: Number, example: 5300 })
  durationMs: number | null;
  @ApiProperty({ description: 'Why the dump failed', nullable: true, type: String })
  error: string | null;
  @ApiProperty({ description: 'The last validation (restore test)', nullable: true, type: ValidationView })
  validation: ValidationView | null;
  @ApiProperty({ description: 'When the last validation ended', nullable: true, type: String })
  validatedAt: string | null;
  @ApiProperty({
    description: 'When it was last restored into the live database',
    nullable: true,
    type: String,
  })
  restoredAt: string | null;
}

export class BackupPage extends PageOf(BackupView) {}

export class RestoreReportView {
  @ApiProperty({ description: 'The backup restored' })
  backupId: string;
  @ApiProperty({ description: 'The database replaced', example: 'ponte' })
  database: string;
  @ApiProperty({ description: 'How long Ponte was in maintenance', example: 8200 })
  durationMs: number;
  @ApiProperty({ description: 'Migrations run after the restore (the dump was older)', type: [String] })
  migrationsRun: string[];
  @ApiProperty({
    description: 'Waiting and delayed jobs of the time after the backup removed from the queues',
    example: 1000,
  })
  jobsRemoved: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toView(b: Backup): BackupView {
  return {
    id: b.id,
    trigger: b.trigger,
    status: b.status,
    fileName: b.fileName,
    sizeBytes: b.sizeBytes,
    checksum: b.checksum,
    serverVersion: b.serverVersion,
    pgDumpVersion: b.pgDumpVersion,
    schemaVersion: b.schemaVersion,
    rowCounts: b.rowCounts,
    startedAt: b.startedAt.toISOString(),
    finishedAt: iso(b.finishedAt),
    durationMs: b.durationMs,
    error: b.error,
    validation: b.validation,
    validatedAt: iso(b.validatedAt),
    restoredAt: iso(b.restoredAt),
  };
}
