import { SystemClock } from '../clock';
import { ALL, CacheInvalidation } from './cache-invalidation';
import { SharedCache } from './shared-cache';

/** The pub/sub as one instance sees it: handlers by topic, and whether messages reach it. */
class LocalInvalidation {
  live = true;
  private readonly handlers = new Map<string, (key: string) => void>();
  on(topic: string, handle: (key: string) => void): void {
    this.handlers.set(topic, handle);
  }
  async publish(topic: string, key: string): Promise<void> {
    this.handlers.get(topic)?.(key);
  }
}

describe('SharedCache', () => {
  const setup = () => {
    const invalidation = new LocalInvalidation();
    const cache = new SharedCache<string[]>(
      invalidation as unknown as CacheInvalidation,
      'things',
      new SystemClock(),
      { ttlMs: 60_000, max: 100 },
    );
    let loads = 0;
    const load = (value: string[] | null) => async () => {
      loads++;
      return value;
    };
    return { invalidation, cache, load, loads: () => loads };
  };

  it('keeps what it loaded; forget(scope) drops the scope and the keys under it, nothing else', async () => {
    const { cache, load, loads } = setup();
    expect(await cache.get('ws1', load(['a']))).toEqual(['a']);
    expect(await cache.get('ws1:sms', load(['b']))).toEqual(['b']);
    expect(await cache.get('ws10:sms', load(['c']))).toEqual(['c']);
    expect(await cache.get('ws1', load(['x']))).toEqual(['a']);
    expect(loads()).toBe(3);
    await cache.forget('ws1');
    expect(await cache.get('ws1', load(['a2']))).toEqual(['a2']);
    expect(await cache.get('ws1:sms', load(['b2']))).toEqual(['b2']);
    expect(await cache.get('ws10:sms', load(['x']))).toEqual(['c']);
    await cache.forget(ALL);
    expect(await cache.get('ws10:sms', load(['c2']))).toEqual(['c2']);
  });

  it('does not keep a load that overlapped an invalidation, nor one made while deaf, nor a miss', async () => {
    const { invalidation, cache, load, loads } = setup();
    let finish: (v: string[]) => void = () => undefined;
    const slow = cache.get('ws1', () => new Promise<string[]>((r) => (finish = r)));
    await cache.forget('ws2'); // any invalidation: the rows read may predate it
    finish(['old']);
    expect(await slow).toEqual(['old']);
    expect(await cache.get('ws1', load(['new']))).toEqual(['new']);
    expect(await cache.get('ws1', load(['x']))).toEqual(['new']);

    invalidation.live = false;
    await cache.get('ws3', load(['deaf']));
    invalidation.live = true;
    expect(await cache.get('ws3', load(['heard']))).toEqual(['heard']);

    expect(await cache.get('ws4', load(null))).toBeNull();
    expect(await cache.get('ws4', load(['made']))).toEqual(['made']);
    expect(loads()).toBe(5);
  });

  it('concurrent misses of one key share one load', async () => {
    const { cache, load, loads } = setup();
    const all = await Promise.all([1, 2, 3].map(() => cache.get('ws1', load(['a']))));
    expect(all).toEqual([['a'], ['a'], ['a']]);
    expect(loads()).toBe(1);
  });
});
