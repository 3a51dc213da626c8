import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBus } from '../../src/events/bus/event-bus';
import { EventEnrichment, OnEvent, StoredEvent } from '../../src/events/processing/event-handlers';
import { EventProcessor } from '../../src/events/processing/event-processor';
import { startProcessorApp } from '../support/processor-app';
import type { TestApp } from '../support/test-app';

/** Subscribers of `probe.*` events: what each saw, and one that fails on demand. */
@Injectable()
class Subscribers {
  static seen = new Map<string, Array<Record<string, unknown>>>();
  static failuresLeft = 0;
  static enricherFails = false;
  /** The event as stored when `steady` ran (later work, a workflow's job, reads it so). */
  static storedAtSteady: unknown[] = [];

  constructor(private readonly db: DataSource) {}

  private note(name: string, event: StoredEvent) {
    Subscribers.seen.set(name, [...(Subscribers.seen.get(name) ?? []), { ...event.data }]);
  }

  @OnEvent('probe.enrich', 'probe.*', { enrich: true })
  enrich(event: StoredEvent): Promise<EventEnrichment> {
    this.note('enrich', event);
    if (Subscribers.enricherFails) return Promise.reject(new Error('enricher down'));
    return Promise.resolve({ tag: 'vip' });
  }

  @OnEvent('probe.mutator', 'probe.*')
  mutate(event: StoredEvent): Promise<void> {
    this.note('mutator', event);
    event.data.hacked = true; // its own copy: nobody else may see this
    return Promise.resolve();
  }

  @OnEvent('probe.flaky', 'probe.*')
  flaky(event: StoredEvent): Promise<void> {
    this.note('flaky', event);
    if (Subscribers.failuresLeft > 0) {
      Subscribers.failuresLeft--;
      return Promise.reject(new Error('flaky refuses'));
    }
    return Promise.resolve();
  }

  @OnEvent('probe.steady', 'probe.*')
  async steady(event: StoredEvent): Promise<void> {
    this.note('steady', event);
    const [stored] = await this.db.query<Array<{ data: unknown }>>(`SELECT data FROM events WHERE id = $1`, [
      event.id,
    ]);
    Subscribers.storedAtSteady.push(stored?.data);
  }
}

@Module({ providers: [Subscribers] })
class SubscribersModule {}

/** EventProcessor as a service (startProcessorApp): the test runs each attempt itself, in order. */
describe('EventProcessor (service)', () => {
  let t: TestApp;
  let processor: EventProcessor;
  let db: DataSource;
  let workspaceId: string;

  beforeAll(async () => {
    ({ t, processor, db, workspaceId } = await startProcessorApp([SubscribersModule]));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    Subscribers.seen.clear();
    Subscribers.storedAtSteady = [];
    Subscribers.failuresLeft = 0;
    Subscribers.enricherFails = false;
  });

  async function write(type: string, data: Record<string, unknown>): Promise<string> {
    return (await t.app.get(EventBus).emit(workspaceId, type, data)).id;
  }

  const row = async (id: string) =>
    (
      await db.query(
        `SELECT status, attempts, data, handled_by AS "handledBy", last_error AS "lastError" FROM events WHERE id = $1`,
        [id],
      )
    )[0] as {
      status: string;
      attempts: number;
      data: Record<string, unknown>;
      handledBy: string[];
      lastError: string | null;
    };
  const calls = (name: string) => Subscribers.seen.get(name)?.length ?? 0;

  it('one subscriber fails: the others ran exactly once, the failing one is retried alone', async () => {
    Subscribers.failuresLeft = 2;
    const id = await write('probe.created', { n: 1 });

    await processor.process(id);
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'probe.flaky: flaky refuses',
    });
    expect((await row(id)).handledBy).toEqual(
      expect.arrayContaining([
        'probe.enrich',
        'probe.mutator',
        'probe.steady',
        'deliveries.fanout',
        'workflows.trigger',
      ]),
    );
    expect((await row(id)).handledBy).not.toContain('probe.flaky');

    await processor.process(id); // the retry: fails again
    await processor.process(id); // and succeeds
    expect(await row(id)).toMatchObject({ status: 'processed', attempts: 3, lastError: null });
    expect([calls('enrich'), calls('mutator'), calls('steady'), calls('flaky')]).toEqual([1, 1, 1, 3]);
    // The retries saw the stored enrichment without running the enricher again.
    expect(Subscribers.seen.get('flaky')!.every((d) => d.tag === 'vip')).toBe(true);
  });

  it('an enricher’s fields are stored and seen by the later subscribers; a subscriber’s change to its copy is seen by none', async () => {
    const id = await write('probe.updated', { n: 2 });
    await processor.process(id);
    expect(Subscribers.seen.get('enrich')).toEqual([{ n: 2 }]);
    expect(Subscribers.seen.get('mutator')).toEqual([{ n: 2, tag: 'vip' }]);
    expect(Subscribers.seen.get('steady')).toEqual([{ n: 2, tag: 'vip' }]);
    // stored before the plain subscribers run: work they hand on (a workflow's job) reads it
    expect(Subscribers.storedAtSteady).toEqual([{ n: 2, tag: 'vip' }]);
    expect((await row(id)).data).toEqual({ n: 2, tag: 'vip' });
  });

  it('an enricher fails: the subscribers that need its fields wait, then run once with them', async () => {
    Subscribers.enricherFails = true;
    const id = await write('probe.enrich-later', { n: 4 });
    await processor.process(id);
    expect(await row(id)).toMatchObject({ status: 'failed', lastError: 'probe.enrich: enricher down' });
    expect([calls('mutator'), calls('steady'), calls('flaky')]).toEqual([0, 0, 0]);

    Subscribers.enricherFails = false;
    await processor.process(id);
    expect(await row(id)).toMatchObject({ status: 'processed', data: { n: 4, tag: 'vip' } });
    expect([calls('enrich'), calls('mutator'), calls('steady'), calls('flaky')]).toEqual([2, 1, 1, 1]);
    expect(Subscribers.seen.get('steady')).toEqual([{ n: 4, tag: 'vip' }]);
  });

  it('`dead` and its DLQ entry are one write: an entry that cannot be filed leaves the event to run again, which files both once', async () => {
    Subscribers.failuresLeft = 100;
    const id = await write('probe.dies', { n: 9 });
    const entries = async () =>
      Number((await db.query(`SELECT count(*) AS n FROM dlq_entries WHERE ref_id = $1`, [id]))[0].n);
    for (let i = 0; i < 3; i++) await processor.process(id); // EVENT_RETRY_SCHEDULE 0,1h,1h,1h
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 3 });

    // The entry's insert refused (as if the worker died between the two): the event is not dead.
    await db.query(
      `CREATE FUNCTION probe_refuse_dlq() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'dlq refused'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER probe_refuse_dlq BEFORE INSERT ON dlq_entries FOR EACH ROW
       WHEN (NEW.ref_id = '${id}') EXECUTE FUNCTION probe_refuse_dlq()`,
    );
    try {
      await expect(processor.process(id)).rejects.toThrow('dlq refused');
    } finally {
      await db.query(`DROP TRIGGER probe_refuse_dlq ON dlq_entries; DROP FUNCTION probe_refuse_dlq()`);
    }
    expect(await row(id)).toMatchObject({ status: 'processing', attempts: 4 });
    expect(await entries()).toBe(0);

    await processor.process(id); // the job run again
    expect(await row(id)).toMatchObject({ status: 'dead', attempts: 5 });
    expect(await entries()).toBe(1);
    await processor.process(id); // and once more: nothing to claim, no second entry
    expect(await entries()).toBe(1);
  });

  it('an event no probe subscribes to: the probes do not run, the event is processed', async () => {
    const id = await write('other.thing', { n: 3 });
    await processor.process(id);
    expect(await row(id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(calls('enrich') + calls('steady')).toBe(0);
  });

  it('EventBus.emit: a dedupe key emitted twice stores one event, on the internal queue', async () => {
    const bus = t.app.get(EventBus);
    const first = await bus.emit(workspaceId, 'probe.once', { n: 5 }, { dedupeKey: 'probe-once-1' });
    const again = await bus.emit(workspaceId, 'probe.once', { n: 6 }, { dedupeKey: 'probe-once-1' });
    expect(first.inserted).toBe(true);
    expect(again).toEqual({ id: first.id, inserted: false });
    const rows: Array<{ queue: string; data: unknown }> = await db.query(
      `SELECT queue, data FROM events WHERE workspace_id = $1 AND dedupe_key = 'probe-once-1'`,
      [workspaceId],
    );
    expect(rows).toEqual([{ queue: 'events', data: { n: 5 } }]);
  });
});
