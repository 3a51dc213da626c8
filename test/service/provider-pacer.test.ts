import { performance } from 'node:perf_hooks';
import { AppConfig } from '../../src/config/config';
import { MARGIN_MS, ProviderPacer, RedisClock } from '../../src/notifications/providers/provider-pacer';
import { MetricsService } from '../../src/platform/metrics/metrics.service';
import { RedisConnections } from '../../src/platform/queue/redis.connections';
import { peakPerSecond } from '../support/arrival-counter';
import { startTestApp, TestApp } from '../support/test-app';

/** The provider pacer on the real Redis: two instances stand for two worker processes. */
describe('provider pacer (service tier)', () => {
  let t: TestApp;
  let pacers: ProviderPacer[];

  beforeAll(async () => {
    t = await startTestApp();
    pacers = [
      t.app.get(ProviderPacer),
      new ProviderPacer(t.app.get(RedisConnections), t.app.get(AppConfig), t.app.get(MetricsService)),
    ];
  });
  afterAll(() => t?.close());

  const missed = async (pacer: ProviderPacer) => {
    const metric = await pacer['slots'].get();
    return metric.values.find((v) => v.labels.outcome === 'missed')?.value ?? 0;
  };

  it('two processes calling at once never let more than the limit through in a sliding second', async () => {
    const limit = 40;
    const provider = `pacer-test-${Math.random()}`;
    const turns: number[] = [];
    // 100 turns from 2 × 25 concurrent callers: 2.5 s at the limit
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        for (let k = 0; k < 2; k++) {
          await pacers[i % 2].turn(provider, limit);
          turns.push(performance.now());
        }
      }),
    );
    expect(turns).toHaveLength(100);
    expect(peakPerSecond(turns)).toBeLessThanOrEqual(limit);
  }, 60_000);

  it('peeks asked while one is under way share its round trip, and a later peek reads the schedule anew', async () => {
    const provider = `pacer-peek-${Math.random()}`;
    const limit = 10;
    // The other process holds the next 20 slots: about 2 s of the schedule.
    await pacers[1]['slot'](provider, limit, 20);
    const client = t.app.get(RedisConnections).client as unknown as Record<string, jest.Mock>;
    const calls = jest.spyOn(client, 'ponteSendSlot');
    try {
      const waits = await Promise.all(Array.from({ length: 50 }, () => pacers[0].peek(provider, limit)));
      expect(calls).toHaveBeenCalledTimes(1);
      for (const wait of waits) expect(wait).toBeGreaterThan(1500);
      await pacers[1]['slot'](provider, limit, 20); // the same Redis client: one call more
      const later = await pacers[0].peek(provider, limit);
      expect(calls).toHaveBeenCalledTimes(3);
      expect(later).toBeGreaterThan(Math.max(...waits) + 1500);
    } finally {
      calls.mockRestore();
    }
  });

  it('a sender that wakes late takes a new slot rather than catch up in a burst, and a stall loses only the slots it overslept', async () => {
    const limit = 20; // slots 52 ms apart
    const interval = (1000 + MARGIN_MS) / limit;
    const provider = `pacer-test-${Math.random()}`;
    const before = await missed(pacers[0]);
    const turns: number[] = [];
    const waiting = Promise.all(
      Array.from({ length: 12 }, async () => {
        await pacers[0].turn(provider, limit);
        turns.push(performance.now());
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    // The event loop stalls for 600 ms (a long GC, a process without the CPU): ~11 slots go by.
    const stallUntil = performance.now() + 600;
    while (performance.now() < stallUntil);
    await waiting;
    // Only the slots taken when the stall began are lost (the one slept for and the one taken
    // ahead), not one per waiting sender: senders that each held a slot would have lost ~11 and
    // queued again behind the schedule. A little room for late wakes on a loaded machine.
    const lost = (await missed(pacers[0])) - before;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(5);
    // Sent at most LATE_MS after distinct slots, any three are 2 × interval − LATE_MS apart (~95 ms);
    // caught up, the ones due during the stall would leave together.
    const sorted = turns.sort((a, b) => a - b);
    for (let i = 2; i < sorted.length; i++) expect(sorted[i] - sorted[i - 2]).toBeGreaterThan(interval);
  }, 60_000);

  it('maps a slot to local time by the fastest reply seen: a reply held in a busy loop does not shift it', () => {
    const clock = new RedisClock();
    // Redis's clock reads 900 when this process's reads 50 (a fast reply): the offset is 850
    expect(clock.toLocal(1000, 900, 50)).toBe(150);
    // this reply waited 40 ms in the event loop before it was read: the slot stays at 1100 − 850
    expect(clock.toLocal(1100, 1000, 190)).toBe(250);
    // a faster reply than any before tightens the bound
    expect(clock.toLocal(1200, 1100, 245)).toBe(345);
  });
});
