import type { DataSource } from 'typeorm';
import { Batched } from '../../platform/database/batched';
import type { EventAttempt } from '../store/event.entity';
import type { EventEnrichment } from './event-handlers';

export interface ClaimedRow {
  id: string;
  workspace_id: string;
  source_id: string | null;
  type: string;
  data: Record<string, unknown>;
  attempts: number;
  retry_round_start: number;
  occurred_at: Date;
  received_at: Date;
  queue: string;
  handled_by: string[];
  dedupe_key: string | null;
}

export interface ProcessedOutcome {
  id: string;
  attempt: EventAttempt;
  enrichment: EventEnrichment;
}

// `processing` is claimable too: a worker killed mid-attempt leaves it so, and BullMQ re-runs the job.
const CLAIM = `
  UPDATE events e SET status = 'processing', attempts = e.attempts + 1
  FROM unnest($1::uuid[]) AS u(id)
  WHERE e.id = u.id AND e.status IN ('received', 'failed', 'processing')
  RETURNING e.id, e.workspace_id, e.source_id, e.type, e.data, e.attempts, e.retry_round_start, e.occurred_at,
    e.received_at, e.queue, e.handled_by, e.dedupe_key`;

// `data` is left as it is (not rewritten, nor re-toasted) when nobody enriched the event.
const PROCESSED = `
  UPDATE events e SET status = 'processed', processed_at = now(), last_error = NULL,
    attempt_log = e.attempt_log || u.log,
    data = CASE WHEN u.enrichment = '{}'::jsonb THEN e.data ELSE e.data || u.enrichment END
  FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[]) AS u(id, log, enrichment)
  WHERE e.id = u.id AND e.status = 'processing'`;

const ENRICH = `
  UPDATE events e SET data = e.data || u.patch
  FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, patch)
  WHERE e.id = u.id`;

/**
 * The statements of an event's common path, each shared by the events that concurrent jobs are
 * processing at that moment (`Batched`: one multi-row UPDATE and one commit for many events): the
 * claim, the enrichment stored before the plain subscribers, and the `processed` outcome. Rows go
 * in id order (lock order: two flushes cannot deadlock). The rare outcomes (failed, dead, an
 * outage's release) stay one statement per event (EventProcessor, which owns one of these).
 */
export class EventStatements {
  private readonly claims = new Batched<string, ClaimedRow | undefined>((ids) => this.claimAll(ids));
  private readonly enrichments = new Batched<{ id: string; patch: EventEnrichment }, void>((items) =>
    this.enrichAll(items),
  );
  private readonly processed = new Batched<ProcessedOutcome, void>((items) => this.processAll(items));

  constructor(private readonly dataSource: DataSource) {}

  /** Status `processing`, one attempt more; undefined when there is nothing to do (processed, dead, unknown). */
  claim(eventId: string): Promise<ClaimedRow | undefined> {
    return this.claims.run(eventId);
  }

  /** Merges what the enrichers added into the stored data (a shallow jsonb `||`). */
  enrich(id: string, patch: EventEnrichment): Promise<void> {
    return this.enrichments.run({ id, patch });
  }

  /** `processed`, its attempt logged and its enrichment stored, if it is still `processing`. */
  markProcessed(outcome: ProcessedOutcome): Promise<void> {
    return this.processed.run(outcome);
  }

  /** The same event twice in one batch (two jobs for it at once): the first caller gets it, the other nothing. */
  private async claimAll(ids: string[]): Promise<Array<ClaimedRow | undefined>> {
    const unique = [...new Set(ids)].sort();
    const [rows]: [ClaimedRow[]] = await this.dataSource.query(CLAIM, [unique]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      byId.delete(id);
      return row;
    });
  }

  private async enrichAll(items: Array<{ id: string; patch: EventEnrichment }>): Promise<void[]> {
    const merged = mergeById(items, (a, b) => ({ id: a.id, patch: { ...a.patch, ...b.patch } }));
    await this.dataSource.query(ENRICH, [
      merged.map((m) => m.id),
      merged.map((m) => JSON.stringify(m.patch)),
    ]);
    return items.map(() => undefined);
  }

  private async processAll(items: ProcessedOutcome[]): Promise<void[]> {
    const merged = mergeById(
      items.map((i) => ({ id: i.id, log: [i.attempt], enrichment: i.enrichment })),
      // Two runs of one event finishing in the same batch (a job put back after an outage beside its
      // re-offered copy) record one `processed`, as two single-row UPDATEs did: the later claim's.
      (a, b) => ({
        id: a.id,
        log: a.log[0].attempt >= b.log[0].attempt ? a.log : b.log,
        enrichment: { ...a.enrichment, ...b.enrichment },
      }),
    );
    await this.dataSource.query(PROCESSED, [
      merged.map((m) => m.id),
      merged.map((m) => JSON.stringify(m.log)),
      merged.map((m) => JSON.stringify(m.enrichment)),
    ]);
    return items.map(() => undefined);
  }
}

/** One entry per id (an UPDATE … FROM applies one source row per target row), in id order. */
function mergeById<T extends { id: string }>(items: T[], merge: (a: T, b: T) => T): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const seen = byId.get(item.id);
    byId.set(item.id, seen ? merge(seen, item) : item);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
