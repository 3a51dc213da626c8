import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { RedisConnections } from '../../platform/queue/redis.connections';

/**
 * One schedule of send slots per provider on Redis's own clock, so that every worker and instance
 * shares it: a GCRA with a burst of 0, in reserving form. Reserving takes the next `ARGV[2]` free
 * slots (the first never before now, each one `interval` after the one before); 0 only peeks.
 * Answers the first slot and Redis's time, in milliseconds with microseconds (`%.3f`: Lua's
 * `tostring` keeps 14 digits only).
 */
const SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or now)
if slot < now then slot = now end
if count > 0 then
  local after = slot + count * interval
  redis.call('SET', KEYS[1], string.format('%.3f', after), 'PX', math.ceil(after - now) + 1000)
end
return {string.format('%.3f', slot), string.format('%.3f', now)}
`;

/** Consecutive slots taken in one call: the first, on this process's clock, and their spacing. */
interface Batch {
  first: number;
  count: number;
  interval: number;
}

/**
 * The senders of one provider waiting in this process, served in order by one dispatcher; it is
 * in `gates` exactly while its dispatcher runs.
 */
interface Gate {
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
  perSecond: number;
}

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
  private readonly gates = new Map<string, Gate>();
  /** Peeks under way, by provider: the peeks asked meanwhile share their round trip. */
  private readonly peeking = new Map<string, Promise<number>>();

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
   * Waits for the provider's next send slot, right before the call. The senders of this process
   * queue here in order, and one dispatcher per provider takes slots only for the senders waiting
   * (as many at once as fit in LATE_MS, at least one), sleeps until each and hands it to the next
   * sender. A dispatcher that wakes late (the process did not get the CPU in time) gives that slot
   * up and takes a new one rather than send on top of the next ones: a missed slot is lost, never
   * caught up in a burst. Slots are taken when they are about to be used, so a busy event loop
   * loses the few slots it overslept, not the whole queue's (each sender holding its own slot
   * would miss them all together, and queue again behind everyone).
   */
  turn(providerId: string, perSecond: number): Promise<void> {
    const running = this.gates.get(providerId);
    const gate = running ?? { waiters: [], perSecond };
    gate.perSecond = perSecond;
    const granted = new Promise<void>((resolve, reject) => gate.waiters.push({ resolve, reject }));
    if (!running) {
      this.gates.set(providerId, gate);
      void this.dispatch(providerId, gate);
    }
    return granted;
  }

  private async dispatch(providerId: string, gate: Gate): Promise<void> {
    // Slots taken and not yet reached, and the batch asked for: the next batch is asked for while
    // the current one is used, so it follows on in the schedule instead of after a round trip.
    const taken: { promised: number; next: Promise<Batch> | null } = { promised: 0, next: null };
    const prefetch = () => {
      const want = gate.waiters.length - taken.promised;
      if (want <= 0 || taken.next) return;
      const interval = intervalMs(gate.perSecond);
      const count = Math.min(want, Math.max(1, Math.floor(LATE_MS / interval)));
      taken.promised += count;
      taken.next = this.slot(providerId, gate.perSecond, count).then((first) => ({ first, count, interval }));
      taken.next.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
    };
    try {
      prefetch();
      for (let next = taken.next; next; next = taken.next) {
        const batch = await next;
        taken.next = null;
        prefetch();
        for (let i = 0; i < batch.count; i++) {
          const at = batch.first + i * batch.interval;
          await sleepUntil(at);
          taken.promised--;
          const late = performance.now() - at;
          this.lateness.observe(late / 1000);
          if (late > LATE_MS) this.slots.inc({ outcome: 'missed' });
          else {
            this.slots.inc({ outcome: 'used' });
            gate.waiters.shift()?.resolve();
          }
          prefetch();
        }
      }
    } catch (err) {
      for (const waiter of gate.waiters.splice(0)) waiter.reject(err);
    } finally {
      this.gates.delete(providerId);
    }
  }

  /** Takes the provider's next send slot; resolves how many milliseconds away it is. */
  async reserve(providerId: string, perSecond: number): Promise<number> {
    return Math.max(0, Math.ceil((await this.slot(providerId, perSecond, 1)) - performance.now()));
  }

  /**
   * How long a send asking now would wait, without taking a slot: the shared schedule's next free
   * slot, behind the senders already queued in this process.
   */
  async peek(providerId: string, perSecond: number): Promise<number> {
    const queued = (this.gates.get(providerId)?.waiters.length ?? 0) * intervalMs(perSecond);
    return Math.max(0, (await this.nextFree(providerId, perSecond)) - performance.now()) + queued;
  }

  /**
   * The schedule's next free slot, one round trip for all the peeks asked while one is under way
   * (a busy worker's sends peek by the hundred a second): each answer is as fresh as the round
   * trip it waited for, at most one round trip older than a peek of its own.
   */
  private nextFree(providerId: string, perSecond: number): Promise<number> {
    const key = `${providerId}/${perSecond}`;
    const under = this.peeking.get(key);
    if (under) return under;
    const asked = this.slot(providerId, perSecond, 0).finally(() => this.peeking.delete(key));
    this.peeking.set(key, asked);
    return asked;
  }

  /** The first of `count` slots taken (0: peeked), on this process's `performance.now()` clock. */
  private async slot(providerId: string, perSecond: number, count: number): Promise<number> {
    const client = this.redis.client as unknown as {
      ponteSendSlot(key: string, intervalMs: number, count: string): Promise<[string, string]>;
    };
    const [slot, now] = await client.ponteSendSlot(
      `${this.config.queue.prefix}:pace:${providerId}`,
      intervalMs(perSecond),
      String(count),
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

/** Milliseconds between two slots at `perSecond`, margin included. */
const intervalMs = (perSecond: number): number => (1000 + MARGIN_MS) / perSecond;

async function sleepUntil(at: number): Promise<void> {
  for (let left = at - performance.now(); left > 0; left = at - performance.now())
    await new Promise((r) => setTimeout(r, left));
}
