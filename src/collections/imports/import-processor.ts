import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { EventBus } from '../../events/bus/event-bus';
import { OutboxSweep } from '../../platform/outbox/outbox-relay';
import { Clock } from '../../platform/clock';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { collectionsConfig } from '../collections.config';
import { upsertDebts } from '../debts/debt-writes';
import { csvRecords, ndjsonRecords } from './csv';
import { validateRow, type ImportRow } from './import-rows';

const BATCH = 1000;

/**
 * Processes a spooled import: reads its pieces in order, validates row by row, and commits each
 * batch of 1,000 rows with the import's counters and position, so a worker that dies mid-import
 * resumes after the last committed batch and counts nothing twice.
 */
@Injectable()
export class ImportProcessor {
  private readonly logger = new Logger('CollectionsImport');

  constructor(
    @InjectConfig(collectionsConfig) private readonly config: ConfigOf<typeof collectionsConfig>,
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  @OnJob('collections.import')
  async run(data: { importId: string; workspaceId: string }): Promise<void> {
    const [updated]: [Array<{ format: string; processed_rows: number; workspace_id: string }>] =
      await this.dataSource.query(
        `UPDATE collection_imports SET status = 'processing', updated_at = $2
         WHERE id = $1 AND status IN ('queued', 'processing') RETURNING format, processed_rows, workspace_id`,
        [data.importId, this.clock.now()],
      );
    const imp = updated[0];
    if (!imp) return;
    const done = imp.processed_rows;
    const chunks = this.chunks(data.importId);
    const records = imp.format === 'csv' ? csvRecords(chunks) : ndjsonRecords(chunks);
    let n = 0;
    let valid: ImportRow[] = [];
    let rejected: Array<{ row: number; field: string; reason: string }> = [];
    try {
      for await (const record of records) {
        n++;
        if (n <= done) continue;
        if (n > this.config.import.maxRows) {
          await this.fail(
            data,
            `More than ${this.config.import.maxRows} rows: the rows up to ${this.config.import.maxRows} were imported`,
          );
          return;
        }
        const checked = validateRow(record);
        if ('row' in checked) valid.push(checked.row);
        else rejected.push({ row: n, ...checked.rejection });
        if (valid.length + rejected.length >= BATCH) {
          await this.commit(imp.workspace_id, data.importId, valid, rejected, n);
          valid = [];
          rejected = [];
        }
      }
      await this.commit(imp.workspace_id, data.importId, valid, rejected, n);
    } catch (err) {
      this.logger.warn(`import ${data.importId} stopped at row ${n}: ${(err as Error).message}`);
      throw err;
    }
    await this.finish(data, n);
  }

  private async commit(
    workspaceId: string,
    importId: string,
    valid: ImportRow[],
    rejected: Array<{ row: number; field: string; reason: string }>,
    position: number,
  ): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      const outcome = await upsertDebts(tx, workspaceId, valid, now);
      if (rejected.length) {
        await tx.query(
          `INSERT INTO collection_import_rejections (import_id, row, field, reason)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
          [importId, rejected.map((r) => r.row), rejected.map((r) => r.field), rejected.map((r) => r.reason)],
        );
      }
      await tx.query(
        `UPDATE collection_imports SET processed_rows = $2, accepted = accepted + $3, updated = updated + $4,
           rejected = rejected + $5, updated_at = $6 WHERE id = $1`,
        [importId, position, outcome.inserted, outcome.updated, rejected.length, now],
      );
    });
  }

  /**
   * Completed: the raw upload (every row's name, document and phone) is purged in the same
   * transaction; the counters and the rejections (row, field, reason — never the values) stay.
   */
  private async finish(data: { importId: string; workspaceId: string }, rows: number): Promise<void> {
    const now = this.clock.now();
    const row = await this.dataSource.transaction(async (tx) => {
      const [[done]]: [[{ accepted: number; updated: number; rejected: number }]] = await tx.query(
        `UPDATE collection_imports SET status = 'completed', finished_at = $2, updated_at = $2
         WHERE id = $1 RETURNING accepted, updated, rejected`,
        [data.importId, now],
      );
      await tx.query(`DELETE FROM collection_import_chunks WHERE import_id = $1`, [data.importId]);
      return done;
    });
    await this.bus.emit(
      data.workspaceId,
      'collections.import.completed',
      { importId: data.importId, rows, ...row },
      { dedupeKey: `collections.import.completed:${data.importId}` },
    );
  }

  private async fail(data: { importId: string; workspaceId: string }, error: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE collection_imports SET status = 'failed', error = $2, finished_at = $3, updated_at = $3 WHERE id = $1`,
        [data.importId, error, this.clock.now()],
      );
      await tx.query(`DELETE FROM collection_import_chunks WHERE import_id = $1`, [data.importId]);
    });
  }

  private async *chunks(importId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const rows: Array<{ data: Buffer }> = await this.dataSource.query(
        `SELECT data FROM collection_import_chunks WHERE import_id = $1 AND seq = $2`,
        [importId, seq],
      );
      if (!rows.length) return;
      yield rows[0].data;
    }
  }

  /** Imports stored but not finished (Redis lost the job, a worker died) are offered again. */
  @OutboxSweep('collections.imports')
  async relay(graceSeconds: number): Promise<number> {
    const rows: Array<{ id: string; workspace_id: string }> = await this.dataSource.query(
      `SELECT id, workspace_id FROM collection_imports WHERE status IN ('queued', 'processing')
         AND updated_at < $1 LIMIT 100`,
      [new Date(this.clock.nowMs() - graceSeconds * 1000)],
    );
    return this.jobs.reoffer(
      rows.map((r) => ({
        name: 'collections.import' as const,
        data: { importId: r.id, workspaceId: r.workspace_id },
        opts: { jobId: `collections.import-${r.id}` },
      })),
    );
  }
}
