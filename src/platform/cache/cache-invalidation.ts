import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../../config/config';
import { sha256Hex } from '../crypto/constant-time';
import { RedisConnections } from '../queue/redis.connections';

/** A key dropped on every instance; `ALL` when messages may have been missed (every entry). */
export type Invalidation = string;
export const ALL: Invalidation = '*';

/**
 * Instance-local caches that must forget an entry everywhere at once (a revoked API key): one Redis
 * pub/sub channel per topic and database (the cached rows' home: every instance on that database
 * hears it, whatever its queue prefix). Pub/sub keeps nothing, so while the
 * subscriber is not connected `live` is false (callers then do not cache) and on every (re)connect
 * each topic's handler gets `ALL`.
 */
@Injectable()
export class CacheInvalidation implements OnApplicationShutdown {
  private readonly logger = new Logger('CacheInvalidation');
  private readonly handlers = new Map<string, Array<(key: Invalidation) => void>>();
  private readonly subscriber: IORedis;
  private subscribed = false;
  private readonly database: string;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
  ) {
    const db = new URL(config.database.url);
    this.database = sha256Hex(`${db.hostname}:${db.port || 5432}${db.pathname}`).slice(0, 16);
    this.subscriber = redis.forSubscriber();
    this.subscriber.on('ready', () => void this.resubscribe());
    this.subscriber.on('close', () => this.lost());
    this.subscriber.on('message', (channel: string, key: string) => {
      for (const handle of this.handlers.get(channel) ?? []) handle(key);
    });
  }

  /** Whether invalidations reach this instance now (cache only then). */
  get live(): boolean {
    return this.subscribed && this.subscriber.status === 'ready';
  }

  on(topic: string, handle: (key: Invalidation) => void): void {
    const channel = this.channel(topic);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handle]);
    if (this.subscriber.status === 'ready') void this.resubscribe();
  }

  /** Drops `key` on every instance (this one first, whatever Redis says). */
  async publish(topic: string, key: Invalidation): Promise<void> {
    const channel = this.channel(topic);
    for (const handle of this.handlers.get(channel) ?? []) handle(key);
    await this.redis.client.publish(channel, key);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber.removeAllListeners('close');
  }

  private channel(topic: string): string {
    return `ponte:invalidate:${this.database}:${topic}`;
  }

  private async resubscribe(): Promise<void> {
    try {
      if (this.handlers.size) await this.subscriber.subscribe(...this.handlers.keys());
      this.subscribed = true;
      // whatever was published while we were away is unknown: forget everything
      for (const handles of this.handlers.values()) for (const handle of handles) handle(ALL);
    } catch (err) {
      this.logger.warn(`cache invalidation subscribe failed: ${(err as Error).message}`);
    }
  }

  private lost(): void {
    this.subscribed = false;
    for (const handles of this.handlers.values()) for (const handle of handles) handle(ALL);
  }
}
