import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { RedisConnections } from '../../platform/queue/redis.connections';

/**
 * One schedule of send slots per provider on Redis's own clock, so that every worker and instance
 * shares it: a GCRA with a burst of 0, in reserving form. Reserving takes the next free slot (never
 * before now, one `interval` after the last one taken); peeking only reads it. Answers the slot and
 * Redis's time, in milliseconds with microseconds (`%.3f`: Lua's `tostring` keeps 14 digits only).
 */
const SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or now)
if slot < now then slot = now end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], string.format('%.3f', slot + interval), 'PX', math.ceil(slot + interval - now) + 1000)
end
return {string.format('%.3f', slot), string.format('%.3f', now)}
`;

/**
 * What the provider counts is arrival time: any 81 slots span 80 intervals, so they arrive at least
 * `80 × interval − spread` apart, where spread is how much later than its slot one send arrives
 * than another. Slots are therefore `(1000 + MARGIN_MS) / limit` apart, and a send leaves at most
 * LATE_MS after its slot: the rest of the margin is the way from here to the provider's clock
 * (the request's write, the network, the receiver's event loop). A ms of margin costs 0.1 % of the
 * average; a missed slot costs one interval. Measured on the shared 2-core machine at load 5–17
 * (bench `rate-limit`, bench/README.md): a process that only sends wakes within 10 ms of 93 % of its
 * slots, a worker also preparing sends within 15 ms of 44–93 % as the load goes; a granted turn
 * reached the fake 1.5 ms later at the median and 70 ms at p99 (the stalls of a starved machine: no
 * margin that keeps 76/s covers them all).
 */
export const MARGIN_MS = 45;
export const LATE_MS = 10;

/** Per-provider limits (`rateLimitPerSecond`): over the limit, messages wait; they are not failed. */
@Injectable()
export class ProviderPacer {
  private readonly clock = new RedisClock();
  private readonly slots;
  private readonly lateness;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.redis.client.defineCommand('ponteSendSlot', { numberOfKeys: 1, lua: SLOT });
    this.slots = metrics.counter({
      name: 'ponte_provider_pace_slots_total',
      help: 'Rate-limited send slots: used, or missed because the sender woke more than LATE_MS after it',
      labelNames: ['outcome'],
    });
    this.lateness = metrics.histogram({
      name: 'ponte_provider_pace_lateness_seconds',
      help: 'How long after its slot a rate-limited sender woke (used and missed slots)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.015, 0.03, 0.05, 0.1, 0.25],
    });
  }

  /**
   * Waits for the provider's next send slot, right before the call. A sender that wakes late (its
   * process did not get the CPU in time) takes a new slot rather than send on top of the next ones:
   * a missed slot is lost, never caught up in a burst.
   */
  async turn(providerId: string, perSecond: number): Promise<void> {
    for (;;) {
      const at = await this.reserveAt(providerId, perSecond);
      await sleepUntil(at);
      const late = performance.now() - at;
      this.lateness.observe(late / 1000);
      if (late <= LATE_MS) {
        this.slots.inc({ outcome: 'used' });
        return;
      }
      this.slots.inc({ outcome: 'missed' });
    }
  }

  /** Takes the provider's next send slot; resolves how many milliseconds away it is. */
  async reserve(providerId: string, perSecond: number): Promise<number> {
    return Math.max(0, Math.ceil((await this.reserveAt(providerId, perSecond)) - performance.now()));
  }

  /** How long a send asking now would wait, without taking a slot. */
  async peek(providerId: string, perSecond: number): Promise<number> {
    return Math.max(0, (await this.slot(providerId, perSecond, false)) - performance.now());
  }

  /** The next slot, on this process's `performance.now()` clock. */
  private reserveAt(providerId: string, perSecond: number): Promise<number> {
    return this.slot(providerId, perSecond, true);
  }

  private async slot(providerId: string, perSecond: number, take: boolean): Promise<number> {
    const client = this.redis.client as unknown as {
      ponteSendSlot(key: string, intervalMs: number, take: string): Promise<[string, string]>;
    };
    const [slot, now] = await client.ponteSendSlot(
      `${this.config.queue.prefix}:pace:${providerId}`,
      (1000 + MARGIN_MS) / perSecond,
      take ? '1' : '0',
    );
    return this.clock.toLocal(Number(slot), Number(now), performance.now());
  }
}

/**
 * Redis's clock on this process's monotonic one. Redis read its clock before the answer arrived,
 * so `redisNow − arrival` is a lower bound of the offset; the highest bound seen (over the last
 * 10–20 s, so a stepped clock is followed) is within the fastest round trip of the truth, and a slot
 * mapped with it is never early: a reply that sat in a busy event loop does not shift the send.
 */
export class RedisClock {
  private best = -Infinity;
  private previous = -Infinity;
  private since = -Infinity;

  toLocal(redisMs: number, redisNowMs: number, arrivedAt: number): number {
    if (arrivedAt - this.since > 10_000) {
      this.previous = this.best;
      this.best = -Infinity;
      this.since = arrivedAt;
    }
    this.best = Math.max(this.best, redisNowMs - arrivedAt);
    return redisMs - Math.max(this.best, this.previous);
  }
}

async function sleepUntil(at: number): Promise<void> {
  for (let left = at - performance.now(); left > 0; left = at - performance.now())
    await new Promise((r) => setTimeout(r, left));
}
