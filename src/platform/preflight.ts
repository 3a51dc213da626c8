import IORedis from 'ioredis';
import { AppConfig } from '../config/config';
import { createDataSource } from './database/data-source';
import { ensureDatabase, runMigrations } from './database/migrator';

/** A start-up failure with one line that says what is wrong and how to fix it. */
export class StartupError extends Error {}

function where(url: string): string {
  const u = new URL(url);
  const socketDir = u.searchParams.get('host');
  if (socketDir) return `the socket in ${socketDir}`;
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
}

const HINT_PG = 'start it with `docker compose up -d postgres` (or your system service), or set DATABASE_URL';
const HINT_REDIS = 'start it with `docker compose up -d redis` (or `redis-server`), or set REDIS_URL';

/** PostgreSQL reachable, the database created when missing, migrations run (under a lock). */
export async function prepareDatabase(config: AppConfig, log: (msg: string) => void): Promise<void> {
  try {
    if (await ensureDatabase(config.database.url))
      log(`Created database ${new URL(config.database.url).pathname.slice(1)}`);
  } catch (err) {
    const e = err as { code?: string; message: string };
    const reason =
      ['ECONNREFUSED', 'ENOTFOUND', 'ENOENT'].includes(e.code ?? '') || /timeout/i.test(e.message)
        ? 'is not reachable'
        : `refused the connection (${e.message})`;
    throw new StartupError(`PostgreSQL ${reason} at ${where(config.database.url)}: ${HINT_PG}`);
  }
  if (!config.database.migrate) return;
  const dataSource = await createDataSource({ url: config.database.url, poolSize: 2 }).initialize();
  try {
    const ran = await runMigrations(dataSource);
    if (ran.length) log(`Ran migrations: ${ran.join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}

export async function checkRedis(config: AppConfig): Promise<void> {
  const redis = new IORedis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new StartupError(`Redis is not reachable at ${where(config.redis.url)}: ${HINT_REDIS}`);
  } finally {
    redis.disconnect();
  }
}
