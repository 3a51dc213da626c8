import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { BUSY_LINGER_MS, GroupCommit } from '../../platform/database/group-commit';
import { RequestLane } from '../../platform/database/request-lane';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { QueueName } from '../../platform/queue/queue.registry';
import { assignBatchJobs, firstAttemptJobs } from '../processing/event-jobs';
import { EVENT_LEASE_SECONDS, EventsHere } from '../processing/events-here';

export interface NewEvent {
  workspaceId: string;
  sourceId: string | null;
  type: string;
  dedupeKey: string | null;
  queue: QueueName;
  occurredAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
  /** The webhook's bytes, when `data` is a cleaned copy of them (see EventRecord.rawBody). */
  rawBody?: Buffer | null;
}

/** A row as written: its id, and the job that carries its first attempt when it is queued. */
export type EventRow = NewEvent & { id: string; jobId?: string | null };

export interface WrittenEvent {
  id: string;
  /** False when (source, dedupe key) was already stored: a duplicate, not processed again. */
  inserted: boolean;
}

// One statement for any batch size, so PostgreSQL plans it once: the rows travel as one JSON array
// ($1), not a VALUES list nor twelve arrays: pg escaped every element of those into an array
// literal in this process, ~2.4 µs a row more than one JSON.stringify, for the same work in
// PostgreSQL (measured on 27-row batches). A row run by the process storing it
// (EventsHere) is stored claimed: `processing`, attempt 1, leased; the others with the id of the
// batch job that will carry them.
const INSERT = `
  INSERT INTO events (id, workspace_id, source_id, type, dedupe_key, status, attempts, lease_until, queue,
                      occurred_at, received_at, data, raw_body, job_id)
  SELECT id, ws, src, type, dk, CASE WHEN h THEN 'processing' ELSE 'received' END, CASE WHEN h THEN 1 ELSE 0 END,
    CASE WHEN h THEN now() + make_interval(secs => ${EVENT_LEASE_SECONDS}) END, q, oc, rc, d,
    decode(raw, 'base64'), j
  FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, ws uuid, src uuid, type text, dk text, q text,
    oc timestamptz, rc timestamptz, d jsonb, raw text, h bool, j text)
  ON CONFLICT (source_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
  RETURNING id`;

interface Flushed {
  inserted: Set<string>;
  /** The rows given a place here (EventsHere), with their data as written. */
  here: Map<string, string>;
}

/**
 * Events from concurrent requests are written by one multi-row INSERT (one round trip, one
 * commit, on the RequestLane's connections: never queued behind background work); the writers are
 * answered on the commit, and the batch then runs here (EventsHere, as far as a worker has places)
 * or is enqueued (see GroupCommit's afterAcknowledge): a webhook's 200 waits for PostgreSQL, not
 * for Redis. Enqueued, a flush's events ride in batch jobs (up to EVENT_JOB_BATCH each), not a job
 * each: BullMQ's add is ~35 µs of Redis's CPU and ~20 µs of this process's a job, a third of what
 * an API process and Redis spent a webhook.
 */
@Injectable()
export class EventWriter {
  private readonly logger = new Logger('EventWriter');
  private readonly batches = new GroupCommit<EventRow, Flushed>((rows) => this.flush(rows), {
    afterAcknowledge: (rows, flushed) => this.follow(rows, flushed),
    // Two flushes at once, not GroupCommit's four, and under load a batch waits a few ms for
    // company: each flush's events travel on together (their walks, sends and writes batched by
    // stage), so fewer, larger flushes mean fewer statements a message all the way down. An idle
    // writer flushes at once. Measured in same-time pairs (bench/README, 2026-12-07): e2e +7 %
    // for two flushes instead of four, +8 to +15 % more for the wait; ingest unchanged.
    maxInFlight: 2,
    lingerMs: BUSY_LINGER_MS,
    lingerWhenBusy: true,
  });

  constructor(
    private readonly lane: RequestLane,
    private readonly jobs: JobQueue,
    private readonly here: EventsHere,
  ) {}

  /** Persists (deduplicated), resolves once the rows are committed, then enqueues them. */
  write(events: NewEvent[]): Promise<WrittenEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    const rows = events.map(toRow);
    return this.batches
      .add(rows)
      .then(({ inserted }) => rows.map((r) => ({ id: r.id, inserted: inserted.has(r.id) })));
  }

  /**
   * Inserts inside the caller's transaction: the event commits or rolls back with the caller's own
   * rows (an outbox write). After the commit, hand the returned rows to enqueue(); a crash before
   * that is covered by the outbox relay.
   */
  async insertIn(manager: EntityManager, events: NewEvent[]): Promise<EventRow[]> {
    const rows = events.map(toRow);
    assignBatchJobs(rows);
    const result: Array<{ id: string }> = await manager.query(INSERT, insertParams(rows, new Set()));
    const inserted = new Set(result.map((r) => r.id));
    return rows.filter((r) => inserted.has(r.id));
  }

  /** Best effort: the outbox relay enqueues whatever this could not (a Redis outage). */
  async enqueue(rows: Array<Pick<EventRow, 'id' | 'queue' | 'jobId'>>): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.jobs.enqueueBulk(firstAttemptJobs(rows));
    } catch (err) {
      this.logger.warn(`enqueue of ${rows.length} events deferred to the relay: ${(err as Error).message}`);
    }
  }

  private async flush(rows: EventRow[]): Promise<Flushed> {
    const here = this.here.take(rows);
    assignBatchJobs(rows.filter((r) => !here.has(r.id)));
    let result: Array<{ id: string }>;
    try {
      result = await this.lane.query(INSERT, insertParams(rows, here));
    } catch (err) {
      this.here.giveBack(here.size);
      throw err;
    }
    // Committed: acknowledge-worthy. Run or enqueued after (best effort; the outbox relay covers the rest).
    const inserted = new Set(result.map((r) => r.id));
    const mine = rows.filter((r) => here.has(r.id));
    return { inserted, here: new Map(mine.map((r) => [r.id, JSON.stringify(r.data)])) };
  }

  private async follow(rows: EventRow[], { inserted, here }: Flushed): Promise<void> {
    const stored = rows.filter((r) => inserted.has(r.id));
    const mine = stored.filter((r) => here.has(r.id));
    this.here.giveBack(here.size - mine.length); // duplicates: nothing to run
    this.here.start(mine, here);
    await this.enqueue(stored.filter((r) => !here.has(r.id)));
  }
}

/**
 * The row as written: every field named, none spread (one object shape on the hot path), jobId
 * set from the start for the same reason.
 */
function toRow(e: NewEvent): EventRow {
  return {
    id: uuidv7(),
    workspaceId: e.workspaceId,
    sourceId: e.sourceId,
    type: e.type,
    dedupeKey: e.dedupeKey,
    queue: e.queue,
    occurredAt: e.occurredAt,
    receivedAt: e.receivedAt,
    data: e.data,
    rawBody: e.rawBody ?? null,
    jobId: null,
  };
}

/** INSERT's one parameter: the rows as a JSON array (Dates as ISO text, bytes as base64). */
function insertParams(rows: EventRow[], here: Set<string>): [string] {
  const json = rows.map((r) => {
    const mine = here.has(r.id);
    return {
      id: r.id,
      ws: r.workspaceId,
      src: r.sourceId,
      type: r.type,
      dk: r.dedupeKey,
      q: r.queue,
      oc: r.occurredAt,
      rc: r.receivedAt,
      d: r.data,
      raw: r.rawBody ? r.rawBody.toString('base64') : null,
      h: mine,
      j: mine ? null : (r.jobId ?? null),
    };
  });
  return [JSON.stringify(json)];
}
