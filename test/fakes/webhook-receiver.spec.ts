import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { FakeWebhookReceiver } from './webhook-receiver';

const OLD = newSecret();
const NEW = newSecret();
const receiver = new FakeWebhookReceiver(OLD);
let base: string;
let ids = 0;

beforeAll(async () => {
  base = await receiver.start();
});
afterEach(() => {
  receiver.reset();
  receiver.distrust(NEW);
  receiver.trust(OLD);
});
afterAll(async () => {
  await receiver.stop();
});

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

interface DeliverOptions {
  /** Secrets to sign with: one `v1,` entry each, space-separated. */
  secrets?: string[];
  id?: string;
  at?: Date;
  path?: string;
  /** Bytes actually sent, when they differ from the signed payload. */
  send?: string;
  signal?: AbortSignal;
}

/** Signs and POSTs a delivery as Ponte does; `redirect: 'manual'` so that a 3xx is seen, not followed. */
function deliver(payload: string, options: DeliverOptions = {}): Promise<Response> {
  const { secrets = [OLD], id = `msg_${++ids}`, at = new Date(), path = '/hooks/crm' } = options;
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, payload)).join(' ');
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body: options.send ?? payload,
    redirect: 'manual',
    signal: options.signal ?? AbortSignal.timeout(3000),
  });
}

const EVENT = JSON.stringify({
  type: 'contact.created',
  timestamp: '2026-01-01T00:00:00Z',
  data: { id: 'c1' },
});

describe('FakeWebhookReceiver', () => {
  it('accepts a valid delivery and records it', async () => {
    const at = new Date();
    const res = await deliver(EVENT, { id: 'msg_valid', at, path: '/hooks/tenant-a/crm' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(receiver.deliveries()).toEqual([
      expect.objectContaining({
        path: '/hooks/tenant-a/crm',
        webhookId: 'msg_valid',
        timestamp: Math.floor(at.getTime() / 1000),
        signatureHeader: expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
        verified: true,
        verifiedWith: OLD,
        matchedSecrets: [OLD],
        body: { type: 'contact.created', timestamp: '2026-01-01T00:00:00Z', data: { id: 'c1' } },
      }),
    ]);
    expect(receiver.deliveries()[0].receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('verifies the exact raw bytes, not a re-serialisation', async () => {
    const raw = '{ "type":"note.added",\n  "data": {"text": "ação ✓", "n": 1.0} }';
    expect((await deliver(raw)).status).toBe(200);
    const [delivery] = receiver.deliveries();
    expect(delivery).toMatchObject({
      verified: true,
      rawBody: raw,
      body: { data: { text: 'ação ✓', n: 1 } },
    });
    expect(JSON.stringify(delivery.body)).not.toBe(raw);
  });

  it('rejects a tampered body with 401', async () => {
    const res = await deliver(EVENT, { send: EVENT.replace('c1', 'c2') });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_signature', message: 'No matching signature found' });
    expect(receiver.deliveries()).toMatchObject([
      { verified: false, verifiedWith: undefined, matchedSecrets: [], body: { data: { id: 'c2' } } },
    ]);
  });

  it('rejects a wrong secret, missing headers and a stale timestamp', async () => {
    expect((await deliver(EVENT, { secrets: [newSecret()] })).status).toBe(401);
    const unsigned = await fetch(`${base}/hooks/crm`, {
      method: 'POST',
      body: EVENT,
      signal: AbortSignal.timeout(3000),
    });
    expect(unsigned.status).toBe(401);
    const stale = await deliver(EVENT, { at: new Date(Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    expect(receiver.deliveries().map((d) => [d.verified, d.error])).toEqual([
      [false, 'No matching signature found'],
      [false, 'Missing required headers'],
      [false, 'Message timestamp too old'],
    ]);
  });

  it('accepts old and new secrets during a rotation and tells which one matched', async () => {
    receiver.trust(NEW);
    expect(receiver.trusted()).toEqual([OLD, NEW]);
    expect((await deliver(EVENT, { secrets: [OLD] })).status).toBe(200);
    expect((await deliver(EVENT, { secrets: [NEW] })).status).toBe(200);
    expect((await deliver(EVENT, { secrets: [NEW, OLD] })).status).toBe(200);
    receiver.distrust(OLD);
    expect((await deliver(EVENT, { secrets: [OLD] })).status).toBe(401);
    expect((await deliver(EVENT, { secrets: [NEW, OLD] })).status).toBe(200);
    expect(receiver.deliveries().map((d) => [d.verifiedWith, d.matchedSecrets])).toEqual([
      [OLD, [OLD]],
      [NEW, [NEW]],
      [OLD, [OLD, NEW]], // first in trust order
      [undefined, []],
      [NEW, [NEW]],
    ]);
    expect(() => receiver.trust('whsec_not base64!')).toThrow();
  });

  it('answers a sequence, then repeats its last step; attemptsFor counts the stable webhook-id', async () => {
    receiver.sequence([500, 503, 200]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver(EVENT, { id: 'msg_retried' })).status);
    expect(statuses).toEqual([500, 503, 200, 200]);
    await deliver(EVENT, { id: 'msg_other' });
    expect(receiver.attemptsFor('msg_retried')).toBe(4);
    expect(receiver.attemptsFor('msg_other')).toBe(1);
    expect(receiver.attemptsFor('msg_never')).toBe(0);
    expect(receiver.uniqueWebhookIds()).toEqual(['msg_retried', 'msg_other']);
  });

  it('keeps answering 401 to rejected deliveries, without consuming the sequence', async () => {
    receiver.sequence([500, 200]);
    expect((await deliver(EVENT, { secrets: [NEW] })).status).toBe(401);
    expect((await deliver(EVENT)).status).toBe(500);
    expect((await deliver(EVENT)).status).toBe(200);
  });

  it('asks to retry later with Retry-After', async () => {
    receiver.retryAfter(7);
    const throttled = await deliver(EVENT);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await deliver(EVENT)).status).toBe(429);

    receiver.retryAfter(2, 503, 1);
    const unavailable = await deliver(EVENT);
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '2']);
    expect((await deliver(EVENT)).status).toBe(200);
  });

  it('answers a fixed status with custom headers and body', async () => {
    receiver.respondWith(410, { headers: { 'webhook-delivery': 'disable' }, body: { gone: true } });
    const res = await deliver(EVENT);
    expect(res.status).toBe(410);
    expect(res.headers.get('webhook-delivery')).toBe('disable');
    expect(await res.json()).toEqual({ gone: true });
    receiver.respondWith(500);
    expect(await (await deliver(EVENT)).json()).toEqual({ error: 'Internal Server Error' });
  });

  it('redirects to a target that records hits, which a non-following client never reaches', async () => {
    receiver.respondWith(302);
    const res = await deliver(EVENT);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${base}/elsewhere`);
    expect(receiver.redirectTarget).toBe(`${base}/elsewhere`);
    expect(receiver.redirectHits()).toEqual([]);

    // The target does record: following the redirect would be caught.
    expect((await fetch(res.headers.get('location')!, { signal: AbortSignal.timeout(3000) })).status).toBe(
      200,
    );
    expect(receiver.redirectHits()).toHaveLength(1);
    expect(receiver.deliveries()).toHaveLength(1);
  });

  it('never answers on timeout(), so the sender must cut the request', async () => {
    receiver.timeout();
    const started = Date.now();
    const err: unknown = await deliver(EVENT, { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(receiver.deliveries()).toMatchObject([{ verified: true }]); // checked although never answered

    expect((await deliver(EVENT, { secrets: [NEW] })).status).toBe(401); // rejected ones still get 401
    receiver.reset();
    expect((await deliver(EVENT)).status).toBe(200);
  });

  it('drips a 200 body forever on slowDrip()', async () => {
    receiver.slowDrip(2, 20);
    const controller = new AbortController();
    const res = await deliver(EVENT, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = '';
    const until = Date.now() + 250;
    while (Date.now() < until) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      received += new TextDecoder().decode(chunk.value);
    }
    expect(received).toMatch(/^ {4,}$/);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('fails sporadically with a deterministic pattern per seed', async () => {
    const run = async (seed: number) => {
      receiver.sporadic(0.4, seed);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await deliver(EVENT)).status);
      return statuses;
    };
    const first = await run(42);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
  });

  it('still verifies deliveries failed by the base mechanism before the handler', async () => {
    receiver.failNext(1, { destroy: true });
    receiver.failNext(1, { status: 502 }, { path: '/hooks/*' });
    await expect(deliver(EVENT, { id: 'msg_infra' })).rejects.toThrow('fetch failed');
    expect((await deliver(EVENT, { id: 'msg_infra' })).status).toBe(502);
    expect((await deliver(EVENT, { id: 'msg_infra' })).status).toBe(200);
    expect(receiver.deliveries().map((d) => d.verified)).toEqual([true, true, true]);
    expect(receiver.attemptsFor('msg_infra')).toBe(3);
  });

  it('waits for deliveries and forgets them, and its behaviour, on reset (secrets are kept)', async () => {
    receiver.respondWith(500);
    const waiting = receiver.waitForDeliveries(2, 2000);
    await deliver(EVENT);
    await fetch(`${base}/elsewhere`, { signal: AbortSignal.timeout(3000) });
    await deliver(EVENT);
    expect(await waiting).toHaveLength(2);
    receiver.reset();
    expect(receiver.deliveries()).toEqual([]);
    expect(receiver.redirectHits()).toEqual([]);
    expect((await deliver(EVENT)).status).toBe(200);
    expect(receiver.trusted()).toEqual([OLD]);
  });
});
