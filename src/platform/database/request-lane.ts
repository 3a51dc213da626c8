import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../../config/config';
import { CONNECT_TIMEOUT_MS } from './data-source';
import { preparingDriver } from './prepared-statements';

/**
 * PostgreSQL connections of their own (DATABASE_REQUEST_POOL_SIZE) for the statements a caller's
 * answer waits on: the group commits that store events and notifications, and a webhook source's
 * lookup. Everything else shares TypeORM's pool, whose queue holds, under a burst, a statement of
 * each run under way here (a new event's subscribers, a walk, a send: up to
 * WORKER_BATCH_CONCURRENCY of each). A webhook's insert queued behind them outwaited the pool's
 * timeout on a loaded host and was answered 503. Here it waits only for other acknowledgements,
 * which the group commits keep to a few statements at a time.
 */
@Injectable()
export class RequestLane implements OnApplicationShutdown {
  private readonly pool: pg.Pool;

  constructor(config: AppConfig) {
    const driver = config.database.prepare ? preparingDriver() : pg;
    this.pool = new driver.Pool({
      connectionString: config.database.url,
      max: config.database.requestPoolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'ponte',
    });
    // An idle connection lost (PostgreSQL restarted) is dropped by the pool, which opens another
    // when next asked; without a listener the event would end the process.
    this.pool.on('error', () => undefined);
  }

  /** The statement's rows (one statement, its own commit). */
  async query<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  /** After the workers and local runs have drained (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
