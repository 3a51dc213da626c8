import { Clock } from '../clock';
import { TtlCache } from './ttl-cache';

class ManualClock extends Clock {
  ms = 1_000_000;
  now(): Date {
    return new Date(this.ms);
  }
}

describe('TtlCache', () => {
  it('answers until the ttl has passed on the injected clock, then forgets', () => {
    const clock = new ManualClock();
    const cache = new TtlCache<string, number | null>(clock, { ttlMs: 5000, max: 10 });
    cache.set('a', 1);
    cache.set('miss', null);
    clock.ms += 4999;
    expect(cache.get('a')).toBe(1);
    expect(cache.get('miss')).toBeNull();
    expect(cache.get('never')).toBeUndefined();
    clock.ms += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('miss')).toBeUndefined();
  });

  it('keeps at most max entries, dropping the least recently used', () => {
    const cache = new TtlCache<string, number>(new ManualClock(), { ttlMs: 5000, max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('drops the entries whose key matches', () => {
    const cache = new TtlCache<string, number>(new ManualClock(), { ttlMs: 5000, max: 10 });
    cache.set('ws1:sms', 1);
    cache.set('ws1:email', 2);
    cache.set('ws10:sms', 3);
    cache.deleteWhere((k) => k.startsWith('ws1:'));
    expect([cache.get('ws1:sms'), cache.get('ws1:email'), cache.get('ws10:sms')]).toEqual([
      undefined,
      undefined,
      3,
    ]);
  });
});
