import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the tests use; each test file gets a database of its own on it. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * Each `npm test` run has its own template and clones, named by the run's start time (set by the
 * global setup, inherited by the workers), so two runs on one server never touch each other's
 * databases. Databases of runs older than an hour are dropped as leftovers.
 */
export const TEST_DB_PREFIX = 'ponte_t_';
export const runId = (): string => process.env.PONTE_TEST_RUN ?? '0';
export const templateDb = (): string => `${TEST_DB_PREFIX}${runId()}_template`;
export const STALE_AFTER_MS = 3600_000;

export function urlFor(database: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database cloned from the migrated template: instant, isolated, nothing to clean between files. */
export async function cloneTemplate(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${TEST_DB_PREFIX}${runId()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`));
  return {
    name,
    url: urlFor(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
