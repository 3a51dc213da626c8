import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const IMPORT_STATUSES = ['receiving', 'queued', 'processing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One upload of debtors and debts; its body waits in collection_import_chunks until processed. */
@Entity('collection_imports')
@Index(['workspaceId', 'id'])
export class DebtImport {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') status: ImportStatus;
  /** csv | ndjson (JSON bodies are stored one row per line). */
  @Column('text') format: string;
  @Column('int', { default: 0 }) chunks: number;
  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  bytes: number;
  /** Rows read so far (committed with their effects, so a re-run resumes after them). */
  @Column('int', { default: 0 }) processedRows: number;
  @Column('int', { default: 0 }) accepted: number;
  @Column('int', { default: 0 }) updated: number;
  @Column('int', { default: 0 }) rejected: number;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
}
