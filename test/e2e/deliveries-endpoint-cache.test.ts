import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { processedEvent, startTwoInstances, TwoInstances } from '../support/two-instances';

/**
 * The fan-out of an event reads the workspace's endpoints from a per-instance cache (no database
 * round trip per event), and a change made through the API on another instance reaches it at once
 * (Redis pub/sub), not after the cache's TTL. Instance A serves the API only; instance B, on the
 * same database and queues, processes the events.
 */
describe('deliveries: the endpoints cache across instances', () => {
  let t: TwoInstances;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    t = await startTwoInstances({ APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' }, { APP_ROLE: 'worker' });
    receiver = new FakeWebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  const createEndpoint = async (name: string) => {
    const res = await t.a
      .http()
      .post('/v1/endpoints')
      .set(t.a.auth())
      .send({ name, url: `${receiver.url}/hooks/${name}`, eventTypes: ['cached.*'] });
    expect(res.status).toBe(201);
    receiver.trust(res.body.secret);
    return res.body.id as string;
  };
  /** Posts an event on A and waits until B has processed it; the endpoints it was fanned out to. */
  const fannedOutTo = async (): Promise<string[]> => {
    const id = await processedEvent(t, 'cached.thing');
    const { rows } = await t.db.query(
      `SELECT endpoint_id FROM deliveries WHERE event_id = $1 ORDER BY endpoint_id`,
      [id],
    );
    return rows.map((r: { endpoint_id: string }) => r.endpoint_id);
  };

  it('serves the endpoints from the cache, and sees an endpoint added on another instance at once', async () => {
    const first = await createEndpoint('first');
    expect(await fannedOutTo()).toEqual([first]);

    // Changed behind Ponte's back (no invalidation sent): B still fans out to it — from its cache.
    await t.db.query(`UPDATE endpoints SET event_types = '{other.*}' WHERE id = $1`, [first]);
    expect(await fannedOutTo()).toEqual([first]);
    await t.db.query(`UPDATE endpoints SET event_types = '{cached.*}' WHERE id = $1`, [first]);

    // Added through the API on A: B's very next event reaches both.
    const second = await createEndpoint('second');
    expect(await fannedOutTo()).toEqual([first, second].sort());

    // Disabled through the API on A: B's very next event no longer reaches it.
    expect(
      (await t.a.http().patch(`/v1/endpoints/${first}`).set(t.a.auth()).send({ enabled: false })).status,
    ).toBe(200);
    expect(await fannedOutTo()).toEqual([second]);
  });
});
