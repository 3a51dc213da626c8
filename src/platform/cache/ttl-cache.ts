import type { Clock } from '../clock';
import { LruCache } from './lru';

/**
 * The one short-lived cache: entries expire `ttlMs` after they were set, on the injected clock (so
 * a test moves time instead of waiting), and at most `max` are kept, least recently used dropped
 * first. A cached `null` is a value (a known miss); `undefined` means not cached.
 */
export class TtlCache<K, V> {
  private readonly entries: LruCache<K, { value: V; expiresAt: number }>;

  constructor(
    private readonly clock: Clock,
    private readonly options: { ttlMs: number; max: number },
  ) {
    this.entries = new LruCache(options.max);
  }

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > this.clock.nowMs()) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { value, expiresAt: this.clock.nowMs() + this.options.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose key matches (a workspace's, say). */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}
