import { Client } from 'pg';
import { TestApp } from '../support/test-app';
import { startTwoInstances, TwoInstances } from '../support/two-instances';

/**
 * API keys are looked up once per instance and kept: a known key costs no database round trip.
 * A revocation on one instance reaches every other at once (Redis pub/sub), not after the cache's TTL.
 */
describe('API-key cache with revocation across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let db: Client;
  let t: TwoInstances;

  beforeAll(async () => {
    t = await startTwoInstances({ RATE_LIMIT_PER_MINUTE: '100000' }, { RATE_LIMIT_PER_MINUTE: '100000' });
    ({ a, b, db } = t);
  });
  afterAll(() => t.close());

  const newKey = async () => {
    const res = await a
      .http()
      .post('/v1/api-keys')
      .set(a.auth())
      .send({ name: 'cached', scopes: ['admin'] });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string };
  };

  it('serves a known key from the cache, and a revocation on another instance holds at once', async () => {
    const key = await newKey();
    expect((await b.http().get('/v1/api-keys?limit=1').set(b.auth(key.key))).status).toBe(200);

    // Revoked behind Ponte's back (no invalidation sent): instance B still knows the key — from its cache.
    await db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
    expect((await b.http().get('/v1/api-keys?limit=1').set(b.auth(key.key))).status).toBe(200);
    await db.query(`UPDATE api_keys SET revoked_at = NULL WHERE id = $1`, [key.id]);

    // Revoked through the API on instance A: B refuses the very next request.
    expect((await a.http().delete(`/v1/api-keys/${key.id}`).set(a.auth())).status).toBe(204);
    const after = await b.http().get('/v1/api-keys?limit=1').set(b.auth(key.key));
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
    expect((await a.http().get('/v1/api-keys?limit=1').set(a.auth(key.key))).status).toBe(401);
  });

  it('a key revoked while an instance was not listening is looked up again once it reconnects', async () => {
    const key = await newKey();
    expect((await b.http().get('/v1/api-keys?limit=1').set(b.auth(key.key))).status).toBe(200);
    const { CacheInvalidation } = await import('../../src/platform/cache/cache-invalidation');
    const bus = b.app.get(CacheInvalidation);
    const subscriber = (
      bus as unknown as {
        subscriber: { disconnect(reconnect: boolean): void; once(event: 'close', f: () => void): void };
      }
    ).subscriber;
    // `live` turns false only once the socket has closed: wait for that, or the loop below may see
    // the connection before it dropped.
    const closed = new Promise<void>((r) => subscriber.once('close', r));
    subscriber.disconnect(true); // dropped and reconnecting: whatever it missed, it forgets everything
    await closed;
    await db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
    for (let i = 0; i < 100 && !bus.live; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await b.http().get('/v1/api-keys?limit=1').set(b.auth(key.key))).status).toBe(401);
  });
});
