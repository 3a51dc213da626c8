import { admin, TEST_DB_PREFIX, runId } from './databases';

/** Drops this run's template and any clone a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  await admin(async (c) => {
    const mine = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${TEST_DB_PREFIX}${runId()}_%`,
    ]);
    for (const { datname } of mine.rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
