import { createDataSource } from '../../src/platform/database/data-source';
import { cloneTemplate } from '../support/databases';

/** What one connection has prepared, and how it plans. */
async function sessionState(prepare: boolean) {
  const db = await cloneTemplate();
  const ds = await createDataSource({ url: db.url, poolSize: 1, prepare }).initialize();
  try {
    const text = 'SELECT count(*) FROM contacts WHERE workspace_id = $1';
    await ds.query(text, ['00000000-0000-0000-0000-000000000000']);
    await ds.query(text, ['00000000-0000-0000-0000-000000000001']);
    // One pooled connection: this reads the session that ran the statement above.
    const prepared: Array<{ name: string }> = await ds.query(
      'SELECT name FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    const [{ plan_cache_mode: mode }] = await ds.query('SHOW plan_cache_mode');
    return { prepared: prepared.map((p) => p.name), mode };
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

describe('database: prepared statements', () => {
  it('prepares a parameterised statement once per connection and plans it with its values', async () => {
    const { prepared, mode } = await sessionState(true);
    expect(prepared).toHaveLength(1);
    expect(prepared[0]).toMatch(/^p_[0-9a-f]{24}$/);
    expect(mode).toBe('force_custom_plan');
  });

  it('runs statements unnamed with DATABASE_PREPARE=false (for poolers that cannot keep them)', async () => {
    const { prepared, mode } = await sessionState(false);
    expect(prepared).toEqual([]);
    expect(mode).toBe('auto');
  });
});
