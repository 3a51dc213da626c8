import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { QueueName } from '../../platform/queue/queue.registry';
import { eventJob } from '../processing/event-jobs';

export interface NewEvent {
  workspaceId: string;
  sourceId: string | null;
  type: string;
  dedupeKey: string | null;
  queue: QueueName;
  occurredAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
}

export interface WrittenEvent {
  id: string;
  /** False when (source, dedupe key) was already stored: a duplicate, not processed again. */
  inserted: boolean;
}

interface Pending {
  rows: Array<NewEvent & { id: string }>;
  resolve: (ids: Set<string>) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;
const MAX_IN_FLIGHT = 4;

// One statement for any batch size (arrays, not a VALUES list), so PostgreSQL plans it once.
const INSERT = `
  INSERT INTO events (id, workspace_id, source_id, type, dedupe_key, status, queue, occurred_at, received_at, data)
  SELECT id, ws, src, type, dk, 'received', q, oc, rc, d
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
              $8::timestamptz[], $9::jsonb[]) AS t(id, ws, src, type, dk, q, oc, rc, d)
  ON CONFLICT (source_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
  RETURNING id`;

/**
 * Group commit: events from concurrent requests are gathered while the previous insert runs and
 * written by one multi-row INSERT (one round trip, one commit), then enqueued by one addBulk.
 * At low load a batch is a single request, so nothing waits for company.
 */
@Injectable()
export class EventWriter {
  private readonly logger = new Logger('EventWriter');
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  /** Persists (deduplicated) and enqueues; resolves once the rows are committed. */
  write(events: NewEvent[]): Promise<WrittenEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    const rows = events.map((e) => ({ ...e, id: uuidv7() }));
    return new Promise<Set<string>>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.pump();
    }).then((inserted) => rows.map((r) => ({ id: r.id, inserted: inserted.has(r.id) })));
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && size < MAX_BATCH) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.rows.length;
      }
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const rows = batch.flatMap((p) => p.rows);
    let inserted: Set<string>;
    try {
      const result: Array<{ id: string }> = await this.dataSource.query(INSERT, [
        rows.map((r) => r.id),
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.sourceId),
        rows.map((r) => r.type),
        rows.map((r) => r.dedupeKey),
        rows.map((r) => r.queue),
        rows.map((r) => r.occurredAt.toISOString()),
        rows.map((r) => r.receivedAt.toISOString()),
        rows.map((r) => JSON.stringify(r.data)),
      ]);
      inserted = new Set(result.map((r) => r.id));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    // Committed: acknowledge-worthy. Enqueue best effort; the outbox relay covers a Redis outage.
    const fresh = rows.filter((r) => inserted.has(r.id));
    try {
      await this.jobs.enqueueBulk(fresh.map((r) => eventJob(r.id, r.queue, 0, 0)));
    } catch (err) {
      this.logger.warn(`enqueue of ${fresh.length} events deferred to the relay: ${(err as Error).message}`);
    }
    for (const p of batch) p.resolve(inserted);
  }
}
