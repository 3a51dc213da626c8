import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { RedisConnections } from '../../platform/queue/redis.connections';

/**
 * One schedule of send slots per provider, `interval` ms apart, on Redis's own clock so that every
 * worker and instance shares it. Reserving takes the next free slot; peeking only tells how far
 * away it is. Answers the milliseconds until that slot.
 */
const SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or now)
if slot < now then slot = now end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(slot + interval - now) + 1000)
end
return math.floor(slot - now)
`;

/**
 * Sends are spaced evenly rather than let through in bursts: what the provider counts is arrival
 * time, and a burst admitted at once arrives smeared by the network and the receiver's own queue,
 * which can put more than the limit in one of its seconds. 6 % of headroom absorbs the jitter a
 * loaded 2-core machine shows (2,000 through two workers at 80/s: 79–80 in a second at 4 %).
 */
const HEADROOM = 1.06;

/** Per-provider limits (`rateLimitPerSecond`): over the limit, messages wait; they are not failed. */
@Injectable()
export class ProviderPacer {
  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
  ) {
    this.redis.client.defineCommand('ponteSendSlot', { numberOfKeys: 1, lua: SLOT });
  }

  /** Takes the provider's next send slot; resolves how many milliseconds away it is. */
  reserve(providerId: string, perSecond: number): Promise<number> {
    return this.slot(providerId, perSecond, true);
  }

  /** How long a send asking now would wait, without taking a slot. */
  peek(providerId: string, perSecond: number): Promise<number> {
    return this.slot(providerId, perSecond, false);
  }

  private slot(providerId: string, perSecond: number, take: boolean): Promise<number> {
    const client = this.redis.client as unknown as {
      ponteSendSlot(key: string, intervalMs: number, take: string): Promise<number>;
    };
    return client.ponteSendSlot(
      `${this.config.queue.prefix}:pace:${providerId}`,
      (1000 / perSecond) * HEADROOM,
      take ? '1' : '0',
    );
  }
}
