import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** Arbitrary constant shared by every Ponte instance: one migrator at a time per database. */
const MIGRATION_LOCK_KEY = 0x506f6e7465; // "Ponte"

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** Creates the database named in `url` when it does not exist (safe when several instances race). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const client = new Client({ connectionString: maintenanceUrl(url), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return true;
    } catch (err) {
      // Another instance won the race: 42P04 duplicate_database, or 23505 while both were creating.
      if (['42P04', '23505'].includes((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  } finally {
    // also after a failed connect: it clears the client's connection timer
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that several instances starting at
 * once migrate exactly once; the others wait, then find nothing pending.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * The SQL TypeORM would run to make the database match the entities; empty when entities and
 * migrations agree. The drift test and `migration:generate` use it.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
