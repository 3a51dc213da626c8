/**
 * `npm run analytics:rebuild`: the rollups counted again from scratch from analytics' own
 * append-only facts table (the source of truth), in one transaction; the app may keep running.
 */
import { rebuildRollups } from '../src/analytics/facts/rollup-rebuild';
import { loadConfig } from '../src/config/config';
import { createDataSource } from '../src/platform/database/data-source';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const dataSource = await createDataSource({ ...config.database, poolSize: 1 }).initialize();
  try {
    const started = performance.now();
    const { facts, rows } = await rebuildRollups(dataSource);
    console.log(
      `Rebuilt ${rows} rollup rows from ${facts} facts in ${Math.round(performance.now() - started)} ms`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
