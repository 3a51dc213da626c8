import { v7 as uuidv7 } from 'uuid';
import { FactSources } from '../../src/analytics/facts/fact-sources';
import type { StoredEvent } from '../../src/events/processing/event-handlers';
import { type ProcessorApp, startProcessorApp } from '../support/processor-app';

/**
 * `analytics.facts` on inbound WhatsApp messages: the conversations that concurrent event jobs
 * start waiting on are written by one INSERT (counted by a statement-level trigger), the earliest
 * message of a conversation starts its clock, and a row the database refuses fails only its event.
 */
describe('analytics.facts: awaiting replies batched (service)', () => {
  let p: ProcessorApp;
  let facts: FactSources;

  beforeAll(async () => {
    p = await startProcessorApp([]);
    facts = p.t.app.get(FactSources);
    await p.db.query(`
      CREATE TABLE probe_awaiting_inserts (at timestamptz NOT NULL DEFAULT now());
      CREATE FUNCTION probe_note_awaiting_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO probe_awaiting_inserts DEFAULT VALUES; RETURN NULL; END $$;
      CREATE TRIGGER probe_awaiting_inserts AFTER INSERT ON analytics_awaiting_replies
        FOR EACH STATEMENT EXECUTE FUNCTION probe_note_awaiting_insert();`);
  });
  afterAll(() => p.t.close());

  const received = (conversationId: string, at: string): StoredEvent => ({
    id: uuidv7(),
    workspaceId: p.workspaceId,
    sourceId: null,
    dedupeKey: null,
    type: 'whatsapp.message.received',
    occurredAt: new Date(at),
    receivedAt: new Date(at),
    data: { conversationId, from: '+5531992953088' },
    attempts: 1,
  });

  const stored = async (conversations: string[]) =>
    p.db.query<Array<{ conversation_id: string; since: Date }>>(
      `SELECT conversation_id, since FROM analytics_awaiting_replies WHERE conversation_id = ANY($1::uuid[])`,
      [conversations],
    );

  it('one INSERT for many events; the earliest message of a conversation starts the clock', async () => {
    const N = 40;
    const conversations = Array.from({ length: N }, () => uuidv7());
    const twice = conversations[N - 1];
    await p.db.query(`TRUNCATE probe_awaiting_inserts`);
    await Promise.all([
      ...conversations.map((c) => facts.onEvent(received(c, '2026-12-01T10:00:05Z'))),
      facts.onEvent(received(twice, '2026-12-01T10:00:01Z')),
    ]);

    const rows = await stored(conversations);
    expect(rows).toHaveLength(N);
    expect(rows.find((r) => r.conversation_id === twice)!.since.toISOString()).toBe(
      '2026-12-01T10:00:01.000Z',
    );
    // unbatched: one INSERT per event (N + 1)
    const [{ n }] = await p.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM probe_awaiting_inserts`,
    );
    expect(n).toBeLessThanOrEqual(N / 4);
  });

  it('a row the database refuses fails its own event only', async () => {
    const conversations = Array.from({ length: 10 }, () => uuidv7());
    const results = await Promise.allSettled([
      ...conversations.map((c) => facts.onEvent(received(c, '2026-12-01T11:00:00Z'))),
      facts.onEvent(received('not-a-uuid', '2026-12-01T11:00:00Z')),
    ]);
    expect(results.map((r) => r.status)).toEqual([...conversations.map(() => 'fulfilled'), 'rejected']);
    expect(await stored(conversations)).toHaveLength(10);
  });
});
