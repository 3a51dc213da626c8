/**
 * The SQL that turns facts into rollup rows, shared by the incremental ingest (over the facts a
 * batch newly stored) and the rebuild (over every fact). Hours are UTC hours whatever the
 * session's time zone; durations go to fixed log buckets (four per doubling: ~19 % wide).
 */
const DIMS = 'channel, provider, status, event_type, source, workflow, campaign';
export const ROLLUP_KEY = `workspace_id, metric, hour, ${DIMS}, bucket`;

/** Rows (count and sum, then the duration histogram) for the facts of relation `from`, per UTC hour or day. */
export function rollupSelect(from: string, grain: 'hour' | 'day' = 'hour'): string {
  const hour = `date_trunc('${grain}', at, 'UTC')`;
  return `SELECT workspace_id, metric, ${hour} AS ${grain}, ${DIMS}, (-1)::smallint AS bucket,
            count(*) AS count, sum(value) AS total
          FROM ${from} GROUP BY workspace_id, metric, 3, ${DIMS}
          UNION ALL
          SELECT workspace_id, metric, ${hour} AS ${grain}, ${DIMS}, ${bucketOf('duration_ms')} AS bucket,
            count(*) AS count, sum(duration_ms) AS total
          FROM ${from} WHERE duration_ms IS NOT NULL GROUP BY workspace_id, metric, 3, ${DIMS}, 11`;
}

/** Adds the rows of `select` to the hourly (or daily) rollups (a row already there grows). */
export function upsertRollups(select: string, table = 'analytics_rollups'): string {
  const key = table === 'analytics_rollups' ? ROLLUP_KEY : ROLLUP_KEY.replace('hour', 'day');
  return `INSERT INTO ${table} (${key}, count, total)
          SELECT * FROM (${select}) r ORDER BY ${key}
          ON CONFLICT (${key}) DO UPDATE
            SET count = ${table}.count + excluded.count, total = ${table}.total + excluded.total`;
}

export const BUCKETS_PER_DOUBLING = 4;

export function bucketOf(column: string): string {
  return `floor(${BUCKETS_PER_DOUBLING} * log(2, greatest(${column}, 0) + 1))::smallint`;
}
