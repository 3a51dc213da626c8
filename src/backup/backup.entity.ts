import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const BACKUP_STATUSES = ['running', 'completed', 'failed', 'validated', 'invalid'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

/** Where a validation stopped: the first check that failed. */
export type ValidationStep = 'checksum' | 'decrypt' | 'restore' | 'counts';

export interface ValidationResult {
  status: 'running' | 'passed' | 'failed';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** The check that failed, and why. */
  step?: ValidationStep;
  reason?: string;
  /** Tables whose row count in the scratch restore differs from the one recorded at dump time. */
  mismatches?: Array<{ table: string; recorded: number; restored: number | null }>;
  /** Tables compared. */
  tablesCompared?: number;
}

/**
 * One backup of Ponte's database: a `pg_dump` custom-format archive encrypted into BACKUP_DIR.
 * The table itself is left out of every dump's data (a restore keeps the catalogue it finds).
 */
@Entity('backups')
@Index(['startedAt'])
export class Backup {
  @PrimaryColumn('uuid') id: string;
  /** Who asked (the operator's workspace), or the platform's first workspace for scheduled ones. */
  @Column('uuid') workspaceId: string;
  @Column('text') trigger: 'manual' | 'scheduled';
  @Column('text') status: BackupStatus;
  @Column('text') fileName: string;
  @Column('bigint', {
    nullable: true,
    transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  sizeBytes: number | null;
  /** SHA-256 of the file as stored (header, ciphertext, tag): `sha256sum` gives the same. */
  @Column('text', { nullable: true }) checksum: string | null;
  @Column('text', { nullable: true }) serverVersion: string | null;
  @Column('text', { nullable: true }) pgDumpVersion: string | null;
  /** The last migration applied when the dump was taken. */
  @Column('text', { nullable: true }) schemaVersion: string | null;
  @Column('jsonb', { nullable: true }) rowCounts: Record<string, number> | null;
  @Column('timestamptz') startedAt: Date;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
  @Column('int', { nullable: true }) durationMs: number | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('jsonb', { nullable: true }) validation: ValidationResult | null;
  @Column('timestamptz', { nullable: true }) validatedAt: Date | null;
  @Column('timestamptz', { nullable: true }) restoredAt: Date | null;
}
