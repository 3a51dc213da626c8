import { SlowController, SlowModule } from '../support/probe.module';
import { PrivateRedis, waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

describe('gateway: rate limits and idempotency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [SlowModule] });
  });
  afterAll(() => t.close());

  const newKey = async (rateLimitPerMinute?: number) =>
    (
      await t
        .http()
        .post('/v1/api-keys')
        .set(t.auth())
        .send({ name: 'k', scopes: ['admin'], rateLimitPerMinute })
    ).body.key as string;

  it('counts down RateLimit headers and answers the 61st request of a minute with 429 + Retry-After', async () => {
    const key = await newKey(); // default 60/minute
    // All at once. The bucket refills one request a second on Redis's clock (which a test cannot
    // hold), so every tolerance below is the refills the elapsed time allows, never a time limit.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => t.http().get('/v1/api-keys?limit=1').set(t.auth(key))),
    );
    const remaining: number[] = [];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('60');
      remaining.push(Number(res.headers['ratelimit-remaining']));
    }
    // Counted down one by one; a refill in between repeats a count.
    const sorted = remaining.sort((a, b) => b - a);
    expect(sorted[0]).toBe(59);
    for (let i = 1; i < sorted.length; i++) expect([0, 1]).toContain(sorted[i - 1] - sorted[i]);
    const refills = () => Math.ceil((Date.now() - started) / 1000) + 1;
    expect(sorted[59]).toBeLessThanOrEqual(refills());
    let limited = await t.http().get('/v1/api-keys?limit=1').set(t.auth(key));
    for (let extra = 0; extra < Math.min(refills(), 100) && limited.status === 200; extra++)
      limited = await t.http().get('/v1/api-keys?limit=1').set(t.auth(key));
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0);
    // another key is not affected
    expect((await t.http().get('/v1/api-keys?limit=1').set(t.auth())).status).toBe(200);
  });

  it('honours a per-key limit', async () => {
    const key = await newKey(3);
    for (let i = 0; i < 3; i++)
      expect((await t.http().get('/v1/api-keys?limit=1').set(t.auth(key))).status).toBe(200);
    expect((await t.http().get('/v1/api-keys?limit=1').set(t.auth(key))).status).toBe(429);
  });

  it('fails open (and says so in metrics) when Redis is unavailable', async () => {
    const redis = new PrivateRedis();
    await redis.start();
    const own = await startTestApp({ env: { REDIS_URL: redis.url } });
    try {
      await redis.stop();
      const res = await own.http().get('/v1/api-keys?limit=1').set(own.auth());
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
      expect((await own.http().get('/metrics').set(own.auth())).text).toMatch(
        /ponte_rate_limit_fail_open_total [1-9]/,
      );
    } finally {
      await own.close();
      await redis.stop();
    }
  });

  it('replays the first answer for the same Idempotency-Key and body', async () => {
    const send = (body: object) =>
      t.http().post('/v1/api-keys').set(t.auth()).set('Idempotency-Key', 'create-key-1').send(body);
    const first = await send({ name: 'once', scopes: ['events:write'] });
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const again = await send({ scopes: ['events:write'], name: 'once' }); // same body, other key order
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const keys = (await t.http().get('/v1/api-keys?limit=200').set(t.auth())).body.data as { name: string }[];
    expect(keys.filter((k) => k.name === 'once')).toHaveLength(1);

    const other = await send({ name: 'twice', scopes: ['events:write'] });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 409 to a concurrent request with the same key, and stores no refusal', async () => {
    const send = (name: string, key: string) =>
      t.http().post('/v1/slow-things').set(t.auth()).set('Idempotency-Key', key).send({ name });
    const callsBefore = SlowController.calls;
    const first = send('x', 'slow-1').then((r) => r);
    // the second copy goes once the first is inside the handler (in flight), not after a guess
    await waitFor(async () => SlowController.calls > callsBefore, 5000, 'the first request to run');
    const [a, b] = await Promise.all([first, send('x', 'slow-1')]);
    expect([a.status, b.status]).toEqual([201, 409]);
    expect(b.body.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    const replay = await send('x', 'slow-1');
    expect(replay.body).toEqual(a.body);

    const failed = await send('fail', 'slow-2');
    expect(failed.status).toBe(422);
    const callsAfterFailure = SlowController.calls;
    const failedAgain = await send('fail', 'slow-2');
    expect(failedAgain.status).toBe(422);
    expect(failedAgain.headers['idempotency-replayed']).toBeUndefined();
    expect(SlowController.calls).toBe(callsAfterFailure + 1); // ran again, not replayed
  });

  it('keeps keys per workspace and expires them after 24 hours', async () => {
    const send = () =>
      t.http().post('/v1/slow-things').set(t.auth()).set('Idempotency-Key', 'day-1').send({ name: 'd' });
    const first = await send();
    t.clock.advance(24 * 3600 * 1000 + 1000);
    const later = await send();
    t.clock.reset();
    expect(later.headers['idempotency-replayed']).toBeUndefined();
    // another workspace using the same key is another request altogether
    const keyB = (await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Idem B' })).body.adminKey
      .key;
    const inB = await t
      .http()
      .post('/v1/slow-things')
      .set(t.auth(keyB))
      .set('Idempotency-Key', 'day-1')
      .send({ name: 'd' });
    expect(inB.status).toBe(201);
    expect(inB.headers['idempotency-replayed']).toBeUndefined();
    expect(later.body.call).toBeGreaterThan(first.body.call);
  });
});
