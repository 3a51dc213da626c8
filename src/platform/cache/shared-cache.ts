import type { Clock } from '../clock';
import { ALL, CacheInvalidation } from './cache-invalidation';
import { TtlCache } from './ttl-cache';

/**
 * The one instance-local cache of rows other instances may change (API keys, endpoints, provider
 * routes, workflow triggers): `forget(scope)` drops the entry `scope` and every entry under it
 * (`scope:…`) on every instance at once (CacheInvalidation's pub/sub). A value loaded while an
 * invalidation was heard, or while invalidations do not reach this instance, is answered but not
 * kept (it may predate the change); `ttlMs` bounds what a lost invalidation (a change made while
 * Redis was down) can leave behind. Concurrent misses of one key share one load. `null` and
 * `undefined` are never kept: an unknown key is asked again.
 */
export class SharedCache<V> {
  private readonly entries: TtlCache<string, V>;
  private readonly loading = new Map<string, Promise<V | null | undefined>>();
  /** Invalidations heard: a load that overlapped one does not keep its value. */
  private heard = 0;

  constructor(
    private readonly invalidation: CacheInvalidation,
    private readonly topic: string,
    clock: Clock,
    options: { ttlMs: number; max: number },
  ) {
    this.entries = new TtlCache(clock, options);
    invalidation.on(topic, (scope) => {
      this.heard++;
      const under = (key: string) => scope === ALL || key === scope || key.startsWith(`${scope}:`);
      this.entries.deleteWhere(under);
      for (const key of [...this.loading.keys()]) if (under(key)) this.loading.delete(key);
    });
  }

  /** The kept value of `key`, else what `load` answers (kept when nothing could have changed meanwhile). */
  get<L extends V | null | undefined>(key: string, load: () => Promise<L>): Promise<V | L> {
    const kept = this.entries.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    const pending = this.loading.get(key) as Promise<L> | undefined;
    if (pending) return pending;
    const heard = this.heard;
    const live = this.invalidation.live;
    const loaded = load()
      .then((value) => {
        if (value !== null && value !== undefined && live && this.invalidation.live && heard === this.heard)
          this.entries.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
      });
    this.loading.set(key, loaded);
    return loaded;
  }

  /** Every instance forgets `scope` and the keys under it (this one first, whatever Redis says). */
  forget(scope: string): Promise<void> {
    return this.invalidation.publish(this.topic, scope).catch(() => undefined);
  }
}
