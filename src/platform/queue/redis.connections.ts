import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/config';
import { coalesceWrites } from './coalesced-writes';

/**
 * Redis connections, made in one place. The shared `client` fails fast while Redis is down (no
 * offline queue) so that API requests answer 503 at once instead of hanging; BullMQ workers get
 * their own blocking connections that retry forever.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly client: IORedis;
  private readonly opened: IORedis[] = [];

  constructor(private readonly config: AppConfig) {
    this.client = this.open({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /** A new connection for a BullMQ Worker (blocking commands need their own). */
  forWorker(): IORedis {
    return this.open({ maxRetriesPerRequest: null });
  }

  /** A connection in subscriber mode (pub/sub); reconnects forever. */
  forSubscriber(): IORedis {
    return this.open({ maxRetriesPerRequest: null });
  }

  private open(options: RedisOptions): IORedis {
    const connection = new IORedis(this.config.redis.url, {
      connectTimeout: 3000,
      // Reconnect forever with a capped backoff: Redis coming back must heal Ponte without a restart.
      retryStrategy: (times) => Math.min(times * 200, 2000),
      lazyConnect: false,
      ...options,
    });
    // ioredis emits 'error' on every failed reconnect; readiness and metrics report the outage.
    connection.on('error', () => undefined);
    // Each (re)connection has a new socket.
    connection.on('connect', () => coalesceWrites(connection.stream));
    this.opened.push(connection);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT on a dead connection would wait in the offline queue forever.
    await Promise.all(
      this.opened.map(async (c) => {
        if (c.status !== 'ready') return c.disconnect();
        await c.quit().catch(() => c.disconnect());
      }),
    );
  }
}
