/**
 * A small least-recently-used map, optionally with a time to live: a Map keeps insertion order,
 * so re-inserting on every hit keeps the oldest entry first, and that is the one dropped when the
 * cache is full. An entry older than `ttlMs` reads as absent.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs = Infinity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('LruCache capacity must be ≥ 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= Date.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
