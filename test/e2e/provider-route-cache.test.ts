import { Client } from 'pg';
import { CacheInvalidation } from '../../src/platform/cache/cache-invalidation';
import { ProvidersService } from '../../src/notifications/providers/providers.service';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startTwoInstances, TwoInstances } from '../support/two-instances';

/**
 * Sends read a workspace's provider list from memory (no database round trip per send); a change
 * made through the API on any instance drops it on every instance at once (Redis pub/sub).
 */
describe('provider routes cached per instance, dropped everywhere on a change', () => {
  let a: TestApp;
  let b: TestApp;
  let db: Client;
  let t: TwoInstances;

  beforeAll(async () => {
    t = await startTwoInstances({}, {});
    ({ a, b, db } = t);
  });
  afterAll(() => t.close());

  it('serves the list from memory, and an edit on another instance holds at once', async () => {
    const workspaceId: string = (await a.http().get('/v1/workspace').set(a.auth())).body.id;
    // What B hears on the providers topic. A handler added resubscribes, and that forgets
    // everything once ('*'): wait for it, so that it cannot drop what B caches below.
    const heardOnB: string[] = [];
    b.app.get(CacheInvalidation).on('providers', (scope) => heardOnB.push(scope));
    await waitFor(async () => heardOnB.includes('*'), 20_000, 'B to resubscribe');
    const created = await a
      .http()
      .post('/v1/providers')
      .set(a.auth())
      .send({
        channel: 'whatsapp',
        kind: 'meta',
        name: 'Meta',
        config: {
          accessToken: 'EAAG-cache-token',
          phoneNumberId: '4001',
          baseUrl: 'http://127.0.0.1:9',
        },
      });
    expect(created.status).toBe(201);
    // The creation's own invalidation reaches B by pub/sub after A answered: had it arrived after
    // B cached the list below, it would drop it (a race the test, not Ponte, had).
    await waitFor(async () => heardOnB.includes(workspaceId), 20_000, 'B to hear the creation');
    const routesOnB = async () =>
      (await b.app.get(ProvidersService).routes(workspaceId, 'whatsapp')).map((r) => r.id);
    expect(await routesOnB()).toEqual([created.body.id]);

    // Disabled behind Ponte's back (no invalidation): instance B still sends through it — from memory.
    await db.query(`UPDATE providers SET enabled = false WHERE id = $1`, [created.body.id]);
    expect(await routesOnB()).toEqual([created.body.id]);
    await db.query(`UPDATE providers SET enabled = true WHERE id = $1`, [created.body.id]);

    // Disabled through the API on instance A: B drops it when the message arrives (a liveness bound
    // well under the cache's 60 s, so only the invalidation can make this pass).
    const disabled = await a
      .http()
      .patch(`/v1/providers/${created.body.id}`)
      .set(a.auth())
      .send({ enabled: false });
    expect(disabled.status).toBe(200);
    await waitFor(async () => (await routesOnB()).length === 0, 20_000, 'B to forget the provider');
  });
});
