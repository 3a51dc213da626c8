import { createDataSource } from '../../src/platform/database/data-source';
import { runMigrations } from '../../src/platform/database/migrator';
import { admin, TEMPLATE_DB, TEST_DB_PREFIX, urlFor } from './databases';

/**
 * Once per `npm test`: drop what earlier runs left, build the template database from the
 * migrations, and leave nothing connected to it (CREATE DATABASE ... TEMPLATE requires that).
 */
export default async function globalSetup(): Promise<void> {
  await admin(async (c) => {
    const stale = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${TEST_DB_PREFIX}%`, TEMPLATE_DB],
    );
    for (const { datname } of stale.rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  });
  const dataSource = await createDataSource({ url: urlFor(TEMPLATE_DB), poolSize: 2 }).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
