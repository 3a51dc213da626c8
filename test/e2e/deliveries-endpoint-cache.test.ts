import { Client } from 'pg';
import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The fan-out of an event reads the workspace's endpoints from a per-instance cache (no database
 * round trip per event), and a change made through the API on another instance reaches it at once
 * (Redis pub/sub), not after the cache's TTL. Instance A serves the API only; instance B, on the
 * same database and queues, processes the events.
 */
describe('deliveries: the endpoints cache across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let db: Client;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    a = await startTestApp({ env: { APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' } });
    b = await startTestApp({
      databaseUrl: a.databaseUrl,
      env: { APP_ROLE: 'worker', QUEUE_PREFIX: a.config.queue.prefix, DATABASE_MIGRATE: 'false' },
    });
    db = new Client({ connectionString: a.databaseUrl });
    await db.connect();
    receiver = new FakeWebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await db.end();
    await b.close();
    await a.close();
  });

  const createEndpoint = async (name: string) => {
    const res = await a
      .http()
      .post('/v1/endpoints')
      .set(a.auth())
      .send({ name, url: `${receiver.url}/hooks/${name}`, eventTypes: ['cached.*'] });
    expect(res.status).toBe(201);
    receiver.trust(res.body.secret);
    return res.body.id as string;
  };
  /** Posts an event on A and waits until B has processed it; the endpoints it was fanned out to. */
  const fannedOutTo = async (): Promise<string[]> => {
    const res = await a.http().post('/v1/events').set(a.auth()).send({ type: 'cached.thing', data: {} });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFor(
      async () => {
        const { rows } = await db.query(`SELECT status FROM events WHERE id = $1`, [id]);
        return rows[0]?.status === 'processed';
      },
      60_000,
      'the event processed on B',
    );
    const { rows } = await db.query(
      `SELECT endpoint_id FROM deliveries WHERE event_id = $1 ORDER BY endpoint_id`,
      [id],
    );
    return rows.map((r: { endpoint_id: string }) => r.endpoint_id);
  };

  it('serves the endpoints from the cache, and sees an endpoint added on another instance at once', async () => {
    const first = await createEndpoint('first');
    expect(await fannedOutTo()).toEqual([first]);

    // Changed behind Ponte's back (no invalidation sent): B still fans out to it — from its cache.
    await db.query(`UPDATE endpoints SET event_types = '{other.*}' WHERE id = $1`, [first]);
    expect(await fannedOutTo()).toEqual([first]);
    await db.query(`UPDATE endpoints SET event_types = '{cached.*}' WHERE id = $1`, [first]);

    // Added through the API on A: B's very next event reaches both.
    const second = await createEndpoint('second');
    expect(await fannedOutTo()).toEqual([first, second].sort());

    // Disabled through the API on A: B's very next event no longer reaches it.
    expect(
      (await a.http().patch(`/v1/endpoints/${first}`).set(a.auth()).send({ enabled: false })).status,
    ).toBe(200);
    expect(await fannedOutTo()).toEqual([second]);
  });
});
