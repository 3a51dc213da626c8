import { createDataSource } from '../../src/platform/database/data-source';
import { runMigrations } from '../../src/platform/database/migrator';
import { admin, STALE_AFTER_MS, TEST_DB_PREFIX, templateDb, urlFor } from './databases';

/**
 * Once per `npm test`: name this run, drop what runs older than an hour left, build this run's
 * template from the migrations, and leave nothing connected to it (CREATE DATABASE ... TEMPLATE
 * requires that).
 */
export default async function globalSetup(): Promise<void> {
  process.env.PONTE_TEST_RUN = String(Date.now());
  await admin(async (c) => {
    const all = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${TEST_DB_PREFIX}%`,
    ]);
    for (const { datname } of all.rows) {
      const started = Number(/^ponte_t_(\d{13})_/.exec(datname)?.[1] ?? 0);
      if (Date.now() - started > STALE_AFTER_MS)
        await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE "${templateDb()}"`);
  });
  const dataSource = await createDataSource({ url: urlFor(templateDb()), poolSize: 2 }).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
