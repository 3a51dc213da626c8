import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';
import { JobRegistry } from '../../src/platform/queue/queue.registry';
import { cloneTemplate } from './databases';
import { TestClock } from './test-clock';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The admin key (platform:admin + admin of the default workspace) every test app bootstraps. */
export const ADMIN_KEY = 'pk_test_admin_0123456789abcdefghijklmnop';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: TestClock;
  databaseUrl: string;
  http: () => ReturnType<typeof request>;
  /** Authorization header for a key (the bootstrap admin key by default). */
  auth: (key?: string) => { Authorization: string };
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  jobRegistry?: JobRegistry;
  imports?: Array<Type | DynamicModule>;
  /** What reports and the dashboard render (AppOptions.analyticsQueries). */
  analyticsQueries?: Type | DynamicModule;
  /** Use this database instead of a fresh clone (a second instance on the same data). */
  databaseUrl?: string;
}

/** The env every test app starts from: its own database and BullMQ prefix, quiet logs. */
export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `ponte-test-${randomBytes(4).toString('hex')}`,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://ponte.test',
    BOOTSTRAP_ADMIN_API_KEY: ADMIN_KEY,
    // No nightly backups from test apps; a backup test sets its own folder and schedule.
    BACKUP_CRON: 'off',
    BACKUP_VALIDATE_CRON: 'off',
    BACKUP_DIR: join(tmpdir(), 'ponte-test-backups'),
    ...overrides,
  };
}

/** The production wiring (createApp) on a database of its own, ready for supertest. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.databaseUrl ? undefined : await cloneTemplate();
  const databaseUrl = options.databaseUrl ?? db!.url;
  const config = loadConfig(testEnv(databaseUrl, options.env));
  const clock = new TestClock();
  const app = await createApp(config, {
    jobRegistry: options.jobRegistry,
    imports: options.imports,
    analyticsQueries: options.analyticsQueries,
    clock,
  });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (err) {
    await app.close().catch(() => undefined);
    await db?.drop();
    throw err;
  }
  return {
    app,
    config,
    clock,
    databaseUrl,
    http: () => request(app.getHttpServer()),
    auth: (key = ADMIN_KEY) => ({ Authorization: `Bearer ${key}` }),
    close: async () => {
      await app.close();
      await deleteQueueKeys(config.redis.url, config.queue.prefix);
      await db?.drop();
    },
  };
}

export async function deleteQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // a test that stopped its own Redis has nothing to clean
  } finally {
    redis.disconnect();
  }
}
