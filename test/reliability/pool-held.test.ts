import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventProbe, EventProbeModule } from '../support/event-probe.module';
import { waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { startTestApp, TestApp } from '../support/test-app';

const LOCK = 4_242_424;

/**
 * Under a burst, TypeORM's pool has a queue of background statements (a run per new event, walk
 * and send). A webhook stored through that queue outwaited the pool's connection timeout on a
 * loaded host and was answered 503. Here every shared connection is held, for as long as the test
 * likes, by statements waiting on a lock the test keeps: the webhook must still be stored and
 * answered 200, and its event run once the pool is free again.
 */
describe('every shared PostgreSQL connection busy: a webhook is still stored and answered', () => {
  let t: TestApp;
  let direct: Client;
  beforeAll(async () => {
    t = await startTestApp({ imports: [EventProbeModule], env: { DATABASE_POOL_SIZE: '2' } });
    await t
      .http()
      .post('/v1/sources')
      .set(t.auth())
      .send({ name: 'm', slug: 'meta', kind: 'meta', config: { appSecret: 's', verifyToken: 'v' } })
      .expect(201);
    direct = new Client({ connectionString: t.databaseUrl });
    await direct.connect();
  });
  afterAll(async () => {
    await direct.end();
    await t.close();
  });

  it('answers 200 from its own connections, and the event runs when the pool frees', async () => {
    EventProbe.reset();
    const pool = t.app.get(DataSource);
    let id = '';
    await direct.query('SELECT pg_advisory_lock($1)', [LOCK]);
    // Both of the pool's connections wait on the lock (each takes and drops it in its own statement).
    const held = [1, 2].map(() => pool.query('SELECT pg_advisory_xact_lock($1)', [LOCK]));
    await waitFor(
      async () => {
        const [{ n }] = (
          await direct.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'`,
          )
        ).rows as Array<{ n: number }>;
        return n === 2;
      },
      10_000,
      'the pool held',
    );
    try {
      // The source's cached copy is cold (the create forgot it): its lookup is on the lane too.
      const body = metaTextMessage({ id: 'wamid.POOL-HELD' });
      const answer = await t
        .http()
        .post('/webhooks/meta')
        .set({ 'content-type': 'application/json', 'x-hub-signature-256': sign.meta('s', body) })
        .send(body);
      expect(answer.status).toBe(200);
      const stored = await direct.query(
        `SELECT id FROM events WHERE type = 'whatsapp.message.received' AND data->>'messageId' = 'wamid.POOL-HELD'`,
      );
      expect(stored.rows).toHaveLength(1);
      id = (stored.rows[0] as { id: string }).id;
    } finally {
      await direct.query('SELECT pg_advisory_unlock($1)', [LOCK]);
      await Promise.all(held);
    }
    await waitFor(
      async () =>
        (await direct.query(`SELECT 1 FROM events WHERE id = $1 AND status = 'processed'`, [id])).rowCount ===
        1,
      30_000,
      'the event processed',
    );
    expect(EventProbe.calls.get(id)).toBe(1);
  });
});
