import { GroupCommit } from './group-commit';

interface Slot<I, R> {
  item: I;
  result?: R;
}

/**
 * One statement for many concurrent callers, each with its own answer: calls made while the
 * previous flush runs are gathered and flushed together (`flush(items)` answers one result per
 * item, in order). A worker running many jobs at once thus writes one multi-row statement and one
 * commit per stage instead of one per job. A flush starts at the end of the event loop's turn
 * (GroupCommit's `sameTurn`), so callers resumed together share it; at low load a batch is a
 * single call and waits for no one beyond that turn. A flush the database refuses is retried call
 * by call (see GroupCommit), so one bad row fails only its own caller.
 *
 * Flushes should touch rows in a stable order (sort by id) so two concurrent flushes cannot
 * deadlock each other.
 */
export class Batched<I, R> {
  private readonly commit: GroupCommit<Slot<I, R>, void>;

  constructor(flush: (items: I[]) => Promise<R[]>, maxBatch = 500, maxInFlight = 2) {
    this.commit = new GroupCommit<Slot<I, R>, void>(
      async (slots) => {
        const results = await flush(slots.map((s) => s.item));
        slots.forEach((s, i) => (s.result = results[i]));
      },
      { maxBatch, maxInFlight, sameTurn: true },
    );
  }

  async run(item: I): Promise<R> {
    const slot: Slot<I, R> = { item };
    await this.commit.add([slot]);
    return slot.result as R;
  }
}

/**
 * Reads by key, batched the same way: concurrent `load(key)` calls become one
 * `WHERE key = ANY($1)` query; each caller gets its row or undefined.
 */
export class BatchLoader<K, V> {
  private readonly batched: Batched<K, V | undefined>;

  constructor(fetch: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 500, maxInFlight = 2) {
    this.batched = new Batched<K, V | undefined>(
      async (keys) => {
        const found = await fetch([...new Set(keys)]);
        return keys.map((k) => found.get(k));
      },
      maxBatch,
      maxInFlight,
    );
  }

  load(key: K): Promise<V | undefined> {
    return this.batched.run(key);
  }
}
