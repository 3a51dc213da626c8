import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { Clock } from '../../platform/clock';
import { Principal } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { isStreamedBody, type StreamedBody } from '../../platform/http/streamed-body';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { collectionsConfig } from '../collections.config';
import { CollectionsProblem } from '../collections.problems';
import { DebtImport } from './debt-import.entity';
import { ImportRejection } from './import-rejection.entity';
import { ImportAcceptedView, ImportView } from './imports.dto';
import { boundaryOf, multipartFile, MultipartError } from './multipart';

/** Spooled in pieces of about this size (one INSERT each). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Receives an import: the body is spooled to PostgreSQL as it streams in (memory holds one piece),
 * then a job processes it; the caller gets the import id as soon as the upload is stored.
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectRepository(DebtImport) private readonly imports: Repository<DebtImport>,
    @InjectRepository(ImportRejection) private readonly rejections: Repository<ImportRejection>,
    @InjectConfig(collectionsConfig) private readonly config: ConfigOf<typeof collectionsConfig>,
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async start(caller: Principal, body: unknown): Promise<ImportAcceptedView> {
    const now = this.clock.now();
    const id = uuidv7();
    let source: AsyncIterable<Buffer>;
    let format: 'csv' | 'ndjson';
    if (isStreamedBody(body)) {
      format = 'csv';
      source = this.streamed(body);
    } else {
      format = 'ndjson';
      source = jsonLines(body);
    }
    await this.imports.insert({
      id,
      workspaceId: caller.workspaceId,
      status: 'receiving',
      format,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
    });
    try {
      const { chunks, bytes } = await this.spool(id, source);
      await this.imports.update({ id }, { status: 'queued', chunks, bytes, updatedAt: this.clock.now() });
    } catch (err) {
      await this.dataSource.query(`DELETE FROM collection_import_chunks WHERE import_id = $1`, [id]);
      const reason = err instanceof CollectionsProblem ? err.message : 'the upload failed';
      await this.imports.update({ id }, { status: 'failed', error: reason, finishedAt: this.clock.now() });
      if (err instanceof MultipartError) throw new CollectionsProblem('IMPORT_BODY_INVALID', err.message);
      throw err;
    }
    await this.jobs.enqueue(
      'collections.import',
      { importId: id, workspaceId: caller.workspaceId },
      { jobId: `collections.import-${id}` },
    );
    return { id, status: 'queued' };
  }

  private streamed(body: StreamedBody): AsyncIterable<Buffer> {
    const stream = body.stream as AsyncIterable<Buffer>;
    if (/^text\/csv/i.test(body.contentType)) return stream;
    const boundary = boundaryOf(body.contentType);
    if (!boundary)
      throw new CollectionsProblem('IMPORT_BODY_INVALID', 'multipart/form-data without a boundary');
    return multipartFile(stream, boundary);
  }

  private async spool(id: string, source: AsyncIterable<Buffer>): Promise<{ chunks: number; bytes: number }> {
    let seq = 0;
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      await this.dataSource.query(
        `INSERT INTO collection_import_chunks (import_id, seq, data) VALUES ($1, $2, $3)`,
        [id, seq++, Buffer.concat(pending)],
      );
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > this.config.import.maxBytes)
        throw new CollectionsProblem(
          'IMPORT_TOO_LARGE',
          `Imports are limited to ${this.config.import.maxBytes} bytes`,
        );
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    if (bytes === 0) throw new CollectionsProblem('IMPORT_BODY_INVALID', 'The upload is empty');
    return { chunks: seq, bytes };
  }

  async get(caller: Principal, id: string, limit = 1000): Promise<ImportView> {
    const row = await this.imports.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!row) throw notFound('Import');
    const rejected = await this.rejections.find({
      where: { importId: id },
      order: { row: 'ASC' },
      take: limit,
    });
    return {
      id: row.id,
      status: row.status,
      format: row.format,
      bytes: row.bytes,
      processedRows: row.processedRows,
      accepted: row.accepted,
      updated: row.updated,
      rejected: row.rejected,
      rejectedRows: rejected.map((r) => ({ row: r.row, field: r.field, reason: r.reason })),
      error: row.error,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }
}

/** A JSON body (`[...]` or `{rows: [...]}`) as JSON lines, the spooled form of JSON imports. */
async function* jsonLines(body: unknown): AsyncGenerator<Buffer> {
  const rows = Array.isArray(body) ? body : (body as { rows?: unknown })?.rows;
  if (!Array.isArray(rows))
    throw new CollectionsProblem(
      'IMPORT_BODY_INVALID',
      'Send a JSON array of rows, {"rows": [...]}, text/csv or a multipart file',
    );
  // Rows are validated one by one (and reported), but a row that is not an object is a body of
  // the wrong shape: refused whole, before an import exists.
  const notObject = rows.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (notObject >= 0)
    throw new CollectionsProblem(
      'IMPORT_BODY_INVALID',
      `Row ${notObject + 1} is not an object: each row of a JSON import is an object of fields`,
    );
  let batch: string[] = [];
  for (const row of rows) {
    batch.push(JSON.stringify(row ?? null));
    if (batch.length === 1000) {
      yield Buffer.from(batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length) yield Buffer.from(batch.join('\n') + '\n');
}
