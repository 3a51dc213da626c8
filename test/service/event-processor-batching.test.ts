import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBus } from '../../src/events/bus/event-bus';
import { EventEnrichment, OnEvent, StoredEvent } from '../../src/events/processing/event-handlers';
import { EventProcessor } from '../../src/events/processing/event-processor';
import { startProcessorApp } from '../support/processor-app';
import type { TestApp } from '../support/test-app';

/** Subscribers of `batch.*` events: an enricher, one that records, one that fails for chosen events. */
@Injectable()
class BatchSubscribers {
  static runs = new Map<string, string[]>();
  /** Events whose `fragile` subscriber fails (once each). */
  static failOnce = new Set<string>();

  private note(name: string, event: StoredEvent) {
    BatchSubscribers.runs.set(event.id, [...(BatchSubscribers.runs.get(event.id) ?? []), name]);
  }

  @OnEvent('batch.enrich', 'batch.*', { enrich: true })
  enrich(event: StoredEvent): Promise<EventEnrichment> {
    this.note('enrich', event);
    return Promise.resolve({ tag: `t${String(event.data.n)}` });
  }

  @OnEvent('batch.steady', 'batch.*')
  steady(event: StoredEvent): Promise<void> {
    this.note(`steady:${String(event.data.tag)}`, event);
    return Promise.resolve();
  }

  @OnEvent('batch.fragile', 'batch.*')
  fragile(event: StoredEvent): Promise<void> {
    this.note('fragile', event);
    if (BatchSubscribers.failOnce.delete(event.id)) return Promise.reject(new Error('fragile refuses'));
    return Promise.resolve();
  }
}

@Module({ providers: [BatchSubscribers] })
class BatchSubscribersModule {}

/**
 * Events processed by concurrent jobs share their statements: N events cost a few claim,
 * enrichment and `processed` UPDATEs, not N of each. Counted on the real database by a
 * statement-level trigger on `events` that records each UPDATE's text. The test runs the attempts
 * itself (startProcessorApp), all at once as a worker does.
 */
describe('EventProcessor batching across concurrent jobs (service)', () => {
  const N = 60;
  let t: TestApp;
  let processor: EventProcessor;
  let db: DataSource;
  let workspaceId: string;

  beforeAll(async () => {
    ({ t, processor, db, workspaceId } = await startProcessorApp([BatchSubscribersModule]));
    await db.query(`
      CREATE TABLE probe_event_updates (query text NOT NULL);
      CREATE FUNCTION probe_note_event_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO probe_event_updates VALUES (current_query()); RETURN NULL; END $$;
      CREATE TRIGGER probe_event_updates AFTER UPDATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION probe_note_event_update();`);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    BatchSubscribers.runs.clear();
    BatchSubscribers.failOnce.clear();
    await db.query(`TRUNCATE probe_event_updates`);
  });

  const emitAll = async (n: number) =>
    (
      await Promise.all(
        Array.from({ length: n }, (_, i) => t.app.get(EventBus).emit(workspaceId, 'batch.created', { n: i })),
      )
    ).map((w) => w.id);

  /** UPDATE statements on events since the last TRUNCATE, by kind. */
  const statements = async () => {
    const rows: Array<{ query: string }> = await db.query(`SELECT query FROM probe_event_updates`);
    const count = (re: RegExp) => rows.filter((r) => re.test(r.query)).length;
    return {
      claim: count(/SET status = 'processing'/),
      enrich: count(/SET data = e\.data \|\| u\.patch/),
      processed: count(/SET status = 'processed'/),
      total: rows.length,
    };
  };

  const rows = async (ids: string[]) =>
    db.query<
      Array<{
        id: string;
        status: string;
        attempts: number;
        data: Record<string, unknown>;
        handledBy: string[];
        logged: number;
      }>
    >(
      `SELECT id, status, attempts, data, handled_by AS "handledBy", jsonb_array_length(attempt_log) AS logged
       FROM events WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    );

  it(`${N} events processed at once: a few claim, enrichment and outcome statements, not ${N} of each`, async () => {
    const ids = await emitAll(N);

    await Promise.all(ids.map((id) => processor.process(id)));

    const stored = await rows(ids);
    expect(stored.map((r) => r.status)).toEqual(ids.map(() => 'processed'));
    expect(stored.every((r) => r.attempts === 1 && r.logged === 1)).toBe(true);
    expect(stored.map((r) => r.data.tag).sort()).toEqual(Array.from({ length: N }, (_, i) => `t${i}`).sort());
    // each subscriber ran once per event, and the plain ones saw the enrichment
    for (const [i, id] of ids.entries())
      expect(BatchSubscribers.runs.get(id)).toEqual(['enrich', `steady:t${i}`, 'fragile']);

    const counted = await statements();
    // unbatched: N claims, N enrichments and N outcomes
    expect(counted.claim).toBeGreaterThan(0);
    expect(counted.claim).toBeLessThanOrEqual(N / 6);
    expect(counted.enrich).toBeLessThanOrEqual(N / 3);
    expect(counted.processed).toBeLessThanOrEqual(N / 3);
    expect(counted.total).toBe(counted.claim + counted.enrich + counted.processed);
  });

  it('an event whose subscriber fails is retried alone, with only that subscriber; its batch-mates are processed', async () => {
    const ids = await emitAll(N);
    const unlucky = ids[N / 2];
    BatchSubscribers.failOnce.add(unlucky);

    await Promise.all(ids.map((id) => processor.process(id)));

    const first = await rows(ids);
    const failed = first.find((r) => r.id === unlucky)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, logged: 1 });
    expect(failed.handledBy.sort()).toEqual(expect.arrayContaining(['batch.enrich', 'batch.steady']));
    expect(failed.handledBy).not.toContain('batch.fragile');
    expect(first.filter((r) => r.id !== unlucky).every((r) => r.status === 'processed')).toBe(true);
    expect((await statements()).claim).toBeLessThanOrEqual(N / 6);

    await processor.process(unlucky); // the retry
    const [retried] = await rows([unlucky]);
    expect(retried).toMatchObject({ status: 'processed', attempts: 2, logged: 2 });
    expect(retried.data.tag).toBe(`t${N / 2}`);
    expect(BatchSubscribers.runs.get(unlucky)).toEqual(['enrich', `steady:t${N / 2}`, 'fragile', 'fragile']);
  });

  it('the same event claimed twice in one batch is processed once', async () => {
    const [a, b, id] = await emitAll(3);
    // two flushes at most in flight: `a` and `b` take them, the next calls share a batch, the event twice in it
    await Promise.all([a, b, id, id].map((e) => processor.process(e)));
    const [stored] = await rows([id]);
    expect(stored).toMatchObject({ status: 'processed', attempts: 1, logged: 1 });
    expect(BatchSubscribers.runs.get(id)).toEqual(['enrich', 'steady:t2', 'fragile']);
  });
});
