import type { DataSource } from 'typeorm';
import { rollupSelect, upsertRollups } from './rollup-sql';

/**
 * Rollups thrown away and counted again from every stored fact (analytics_facts, the source of
 * truth), in one transaction: readers see the old rollups until the commit, and facts arriving
 * meanwhile wait for it (share lock), so none is counted twice or missed.
 */
export async function rebuildRollups(dataSource: DataSource): Promise<{ facts: number; rows: number }> {
  return dataSource.transaction(async (tx) => {
    await tx.query(`LOCK TABLE analytics_facts IN SHARE MODE`);
    await tx.query(`TRUNCATE analytics_rollups, analytics_daily_rollups`);
    await tx.query(upsertRollups(rollupSelect('analytics_facts')));
    await tx.query(upsertRollups(rollupSelect('analytics_facts', 'day'), 'analytics_daily_rollups'));
    const [{ facts }]: [{ facts: string }] = await tx.query(`SELECT count(*) AS facts FROM analytics_facts`);
    const [{ rows }]: [{ rows: string }] = await tx.query(`SELECT count(*) AS rows FROM analytics_rollups`);
    return { facts: Number(facts), rows: Number(rows) };
  });
}
