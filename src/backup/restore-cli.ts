import { createInterface } from 'node:readline/promises';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { validateAreas } from '../config/area-config';
import { loadConfig } from '../config/config';
import { ensureDatabase } from '../platform/database/migrator';
import { RestoreError } from './archive';
import { backupConfig } from './backup.config';
import { restoreLive } from './live-restore';
import { databaseName, findPgTools } from './pg-tools';

/**
 * `npm run backup:restore -- <file> [--confirm=<database>]`: the restore of
 * `POST /v1/backups/:id/restore` for an instance that is down (no app needed). Reads the same
 * settings as the app (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, BACKUP_ENCRYPTION_KEY, PG_BIN_DIR),
 * creates the database when it is missing, restores, migrates forward. When Redis answers, running
 * instances are held in maintenance meanwhile and stale jobs are removed; workers rebuild their
 * queues and timers from PostgreSQL when they (re)start either way.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const confirm = args.find((a) => a.startsWith('--confirm='))?.slice('--confirm='.length);
  if (!file) throw new Error('Usage: npm run backup:restore -- <file> [--confirm=<database name>]');
  const app = loadConfig(process.env);
  validateAreas(process.env);
  const config = backupConfig.load(process.env, app);
  if (!config.encryptionKey)
    throw new Error('BACKUP_ENCRYPTION_KEY is not set: the file cannot be decrypted');
  const database = databaseName(app.database.url);
  const typed = confirm ?? (await ask(`This replaces the database "${database}". Type its name to go on: `));
  if (typed !== database) throw new Error(`Not confirmed ("${typed}" is not "${database}"): nothing done`);

  if (await ensureDatabase(app.database.url)) console.log(`Created database ${database}`);
  const client = new Client({ connectionString: app.database.url });
  await client.connect();
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  await client.end();
  const tools = await findPgTools(config.pgBinDir, Math.floor(Number(rows[0].v) / 10000));

  const redis = new IORedis(app.redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
  });
  redis.on('error', () => undefined);
  const reachable = await redis.connect().then(
    () => true,
    () => false,
  );
  if (!reachable)
    console.warn(
      `Redis not reachable at ${app.redis.url}: no maintenance flag, queues rebuilt when workers start`,
    );
  try {
    const report = await restoreLive(file, {
      url: app.database.url,
      tools,
      secret: config.encryptionKey,
      redis: reachable ? redis : undefined,
      queuePrefix: app.queue.prefix,
      log: (m) => console.log(m),
      drainTimeoutMs: 30_000,
    });
    console.log(JSON.stringify(report));
  } finally {
    redis.disconnect();
  }
}

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('Not a terminal: pass --confirm=<database name>');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof RestoreError ? `restore failed at ${err.message}` : (err as Error).message;
  console.error(message);
  process.exit(1);
});
