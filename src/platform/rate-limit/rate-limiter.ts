import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { Clock } from '../clock';
import { RedisConnections } from '../queue/redis.connections';
import { MetricsService } from '../metrics/metrics.service';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until the next request would be allowed (Retry-After), when refused. */
  retryAfterSeconds: number;
  /** Redis was unavailable and the request was let through. */
  failedOpen?: boolean;
}

/**
 * GCRA in one Lua call: one key per bucket holding the theoretical arrival time, Redis's own clock
 * (so every instance agrees), `limit` requests per `periodMs` with a burst of `limit`.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if allow_at > now then
  return {0, 0, allow_at - now, tat - now}
end
if ARGV[3] ~= '1' then redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now)) end
return {1, math.floor((now - allow_at) / interval), 0, new_tat - now}
`;

@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly failOpen;
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.failOpen = metrics.counter({
      name: 'ponte_rate_limit_fail_open_total',
      help: 'Requests let through because Redis was unavailable for rate limiting',
    });
    this.redis.client.defineCommand('ponteGcra', { numberOfKeys: 1, lua: GCRA });
  }

  /** Takes one request from the bucket; with `peek`, only says whether one could be taken. */
  async consume(bucket: string, limit: number, periodMs: number, peek = false): Promise<RateDecision> {
    try {
      const client = this.redis.client as unknown as {
        ponteGcra(
          key: string,
          interval: number,
          burst: number,
          peek: string,
        ): Promise<[number, number, number, number]>;
      };
      const [allowed, remaining, retryMs, resetMs] = await client.ponteGcra(
        `${this.config.queue.prefix}:rl:${bucket}`,
        periodMs / limit,
        limit,
        peek ? '1' : '0',
      );
      return {
        allowed: allowed === 1,
        limit,
        remaining,
        resetSeconds: Math.ceil(resetMs / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)),
      };
    } catch (err) {
      this.failOpen.inc();
      if (this.clock.nowMs() - this.lastWarning > 10_000) {
        this.lastWarning = this.clock.nowMs();
        this.logger.warn(`rate limiting failed open: ${(err as Error).message}`);
      }
      return {
        allowed: true,
        limit,
        remaining: limit,
        resetSeconds: 0,
        retryAfterSeconds: 0,
        failedOpen: true,
      };
    }
  }
}
