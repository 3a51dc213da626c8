import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

describe('outbound deliveries', () => {
  let t: TestApp;
  // A receiver per test: retries of an earlier test's deliveries cannot reach the next one.
  let receiver: FakeWebhookReceiver;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        DELIVERY_RETRY_SCHEDULE: '0,1s,2s',
        OUTBOUND_TIMEOUT_MS: '1000',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    receiver = new FakeWebhookReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.stop());

  /** A fresh endpoint for one event type, trusted by the receiver. */
  const endpoint = async (extra: object = {}) => {
    const type = `thing${++n}.created`;
    const res = await t
      .http()
      .post('/v1/endpoints')
      .set(t.auth())
      .send({ name: `ep${n}`, url: `${receiver.url}/hooks/${n}`, eventTypes: [`thing${n}.*`], ...extra });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    receiver.trust(res.body.secret);
    return { id: res.body.id as string, secret: res.body.secret as string, type, path: `/hooks/${n}` };
  };
  const emit = (type: string, data: object = { n: 1 }) =>
    t.http().post('/v1/events').set(t.auth()).send({ type, data });
  const deliveries = async (endpointId: string) =>
    (await t.http().get(`/v1/endpoints/${endpointId}/deliveries`).set(t.auth())).body.data;

  it('signs with Standard Webhooks; a receiver verifying with the standardwebhooks package accepts it', async () => {
    const ep = await endpoint();
    await emit(ep.type, { name: 'Ana' });
    const [d] = await receiver.waitForDeliveries(1, 10_000);
    expect(d.verified).toBe(true);
    expect(d.body).toMatchObject({ type: ep.type, data: { name: 'Ana' }, timestamp: expect.any(String) });
    expect(d.webhookId).toMatch(/^msg_/);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'succeeded', 10_000, 'succeeded');
    const [listed] = await deliveries(ep.id);
    expect(listed.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        statusCode: 200,
        responseExcerpt: expect.stringContaining('ok'),
      }),
    ]);
    const event = (await t.http().get(`/v1/events/${listed.eventId}`).set(t.auth())).body;
    expect(event.deliveries).toEqual([
      expect.objectContaining({ id: listed.id, endpointId: ep.id, status: 'succeeded', attempts: 1 }),
    ]);
  });

  it('after a rotation both secrets sign for 24 h, then only the new one', async () => {
    const ep = await endpoint();
    const rotated = (await t.http().post(`/v1/endpoints/${ep.id}/rotate-secret`).set(t.auth())).body;
    expect(rotated.secret).not.toBe(ep.secret);
    receiver.distrust(ep.secret);
    receiver.trust(rotated.secret);
    await emit(ep.type);
    const [withNew] = await receiver.waitForDeliveries(1, 10_000);
    expect(withNew.verified).toBe(true);
    expect(withNew.matchedSecrets).toEqual([rotated.secret]);
    // a receiver still on the old secret accepts it too
    receiver.reset();
    receiver.distrust(rotated.secret);
    receiver.trust(ep.secret);
    await emit(ep.type);
    const [withOld] = await receiver.waitForDeliveries(1, 10_000);
    expect(withOld.verified).toBe(true);
    // 25 h later the old secret no longer signs
    receiver.reset();
    t.clock.advance(25 * 3600 * 1000);
    await emit(ep.type);
    const [late] = await receiver.waitForDeliveries(1, 10_000);
    t.clock.reset();
    expect(late.verified).toBe(false);
    expect(late.signatureHeader!.split(' ')).toHaveLength(1);
  });

  it('500, 500, 200: delivered on the third attempt with the same webhook-id, three attempts recorded', async () => {
    const ep = await endpoint();
    receiver.sequence([500, 500, 200]);
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'succeeded', 15_000, 'succeeded');
    const [d] = await deliveries(ep.id);
    expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    expect(receiver.attemptsFor(d.webhookId)).toBe(3);
  });

  it('always 500: dead and in the DLQ; retried from the DLQ once the receiver recovers', async () => {
    const ep = await endpoint();
    receiver.respondWith(500);
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'dead', 15_000, 'dead');
    // The entry is written right after the status: wait for it rather than race it.
    const dlq = await waitFor(
      async () => {
        const { data } = (await t.http().get(`/v1/dlq?kind=delivery&endpointId=${ep.id}`).set(t.auth())).body;
        return data.length > 0 && data;
      },
      5000,
      'the DLQ entry',
    );
    expect(dlq).toHaveLength(1);
    expect(dlq[0].attempts).toBe(3);
    receiver.respondWith(200);
    expect((await t.http().post(`/v1/dlq/${dlq[0].id}/retry`).set(t.auth())).status).toBe(202);
    await waitFor(
      async () => (await deliveries(ep.id))[0]?.status === 'succeeded',
      15_000,
      'succeeded after retry',
    );
  });

  it('410 disables the endpoint', async () => {
    const ep = await endpoint();
    receiver.respondWith(410);
    await emit(ep.type);
    await waitFor(
      async () => (await t.http().get(`/v1/endpoints/${ep.id}`).set(t.auth())).body.enabled === false,
      10_000,
      'disabled',
    );
    expect((await t.http().get(`/v1/endpoints/${ep.id}`).set(t.auth())).body.disabledReason).toMatch(/410/);
  });

  it('five days of nothing but failures disable the endpoint', async () => {
    const ep = await endpoint();
    receiver.respondWith(500);
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.attempts.length >= 1, 10_000, 'a first failure');
    t.clock.advance(5 * 24 * 3600 * 1000 + 60_000);
    try {
      await waitFor(
        async () => (await t.http().get(`/v1/endpoints/${ep.id}`).set(t.auth())).body.enabled === false,
        10_000,
        'disabled',
      );
    } finally {
      t.clock.reset();
    }
    expect((await t.http().get(`/v1/endpoints/${ep.id}`).set(t.auth())).body.disabledReason).toMatch(
      /5 days/,
    );
  });

  it('302 is a failure and the redirect is not followed', async () => {
    const ep = await endpoint();
    receiver.respondWith(302);
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.attempts.length >= 2, 10_000, 'a second attempt');
    expect((await deliveries(ep.id))[0].attempts[0].statusCode).toBe(302);
    expect(receiver.redirectHits()).toHaveLength(0);
  });

  it('429 with Retry-After: 2 — the next attempt is not before 2 s', async () => {
    const ep = await endpoint();
    receiver.retryAfter(2, 429, 1);
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'succeeded', 15_000, 'succeeded');
    const stamps = receiver
      .deliveries()
      .filter((d) => d.path === ep.path)
      .map((d) => d.receivedAt);
    expect(stamps).toHaveLength(2);
    expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(1900);
  });

  it('a receiver slower than the timeout never gets the same attempt twice', async () => {
    const ep = await endpoint();
    receiver.timeout();
    await emit(ep.type);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'dead', 20_000, 'dead after timeouts');
    const [d] = await deliveries(ep.id);
    expect(d.attempts).toHaveLength(3);
    expect(d.attempts.every((a: { error: string }) => /timeout/.test(a.error))).toBe(true);
    expect(receiver.attemptsFor(d.webhookId)).toBe(3); // one request per attempt, none duplicated
  });

  it('an endpoint rate limit defers deliveries without using attempts', async () => {
    const ep = await endpoint({ rateLimitPerSecond: 2 });
    for (let i = 0; i < 6; i++) await emit(ep.type, { i });
    await receiver.waitForDeliveries(6, 15_000);
    // The receiver has answered; each attempt is recorded just after, so wait for all six.
    const settled = async () => {
      const list = await deliveries(ep.id);
      return list.length === 6 && list.every((d: { status: string }) => d.status === 'succeeded') && list;
    };
    const list = await waitFor(settled, 15_000, 'six deliveries recorded as succeeded');
    expect(list.every((d: { attempts: unknown[] }) => d.attempts.length === 1)).toBe(true);
    const stamps = receiver
      .deliveries()
      .filter((d) => d.path === ep.path)
      .map((d) => d.receivedAt)
      .sort((a, b) => a - b);
    expect(stamps[5] - stamps[0]).toBeGreaterThanOrEqual(1000);
  });

  it('applies the current mapping of (event type, system): version 2 changes the payload from then on', async () => {
    const ep = await endpoint({ system: 'crm' });
    const map = (expression: string) =>
      t.http().post('/v1/mappings').set(t.auth()).send({ eventType: ep.type, system: 'crm', expression });
    expect((await map('{ "nome": name }')).status).toBe(201);
    await emit(ep.type, { name: 'Ana', phone: '+5531992953088' });
    const [first] = await receiver.waitForDeliveries(1, 10_000);
    expect(first.body.data).toEqual({ nome: 'Ana' });
    expect((await map('{ "nome": $uppercase(name), "fone": phone }')).body.version).toBe(2);
    await new Promise((r) => setTimeout(r, 5100)); // the sender caches the current version for 5 s
    receiver.reset();
    await emit(ep.type, { name: 'Ana', phone: '+5531992953088' });
    const [second] = await receiver.waitForDeliveries(1, 10_000);
    expect(second.body.data).toEqual({ nome: 'ANA', fone: '+5531992953088' });
  });

  it('a test ping and recovery of failed deliveries', async () => {
    const ep = await endpoint();
    receiver.respondWith(503);
    expect((await t.http().post(`/v1/endpoints/${ep.id}/test`).set(t.auth())).status).toBe(202);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'dead', 15_000, 'dead ping');
    receiver.respondWith(200);
    const recovered = await t
      .http()
      .post(`/v1/endpoints/${ep.id}/recover`)
      .set(t.auth())
      .send({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(recovered.body.recovered).toBe(1);
    await waitFor(async () => (await deliveries(ep.id))[0]?.status === 'succeeded', 10_000, 'recovered');
    expect(receiver.deliveries().at(-1)!.body.type).toBe('webhook.test');
  });
});

describe('endpoint URLs and the SSRF guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOUND_ALLOW_PRIVATE: 'false' } });
  });
  afterAll(() => t.close());

  it.each(['http://169.254.169.254/', 'http://10.0.0.1/', 'http://127.0.0.1:8080/', 'http://[::1]/'])(
    'refuses %s',
    async (url) => {
      const res = await t
        .http()
        .post('/v1/endpoints')
        .set(t.auth())
        .send({ name: 'x', url, eventTypes: ['*'] });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('url');
    },
  );
});
