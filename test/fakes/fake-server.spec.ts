import { basic, bearer, FakeServer } from './fake-server';

/** A tiny provider: a Twilio-like form endpoint with Basic auth, a JSON endpoint with a bearer token. */
class TinyFake extends FakeServer {
  constructor() {
    super();
    this.route('POST', '/2010-04-01/Accounts/:sid/Messages.json', (req, res) => {
      const auth = basic(req);
      if (auth?.user !== req.params.sid || auth.pass !== 'token') return res.json({ code: 20003 }, 401);
      return res.json({ sid: 'SM1', to: req.body.To, media: req.body.MediaUrl }, 201);
    });
    this.route('POST', '/v1/:phoneId/messages', (req, res) => {
      if (bearer(req) !== 'good') return res.json({ error: { code: 190 } }, 401);
      if (typeof req.body !== 'object') return res.json({ error: { code: 100 } }, 400);
      return res.json({ messages: [{ id: `wamid.${req.params.phoneId}` }] });
    });
    this.route('GET', '/calendars/:calendarId/events', (req, res) => res.json({ id: req.params.calendarId }));
    this.route('GET', '/files/*', (req, res) => res.text(req.params['*']));
    this.route('GET', '/boom', () => {
      throw new Error('fake bug');
    });
  }
}

const fake = new TinyFake();
let base: string;

beforeEach(async () => {
  base = await fake.start();
});
afterEach(async () => {
  await fake.stop();
  fake.reset();
});

function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000), ...init });
}

function postJson(path: string, body: unknown, token = 'good'): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Trace': 'abc' },
    body: JSON.stringify(body),
  });
}

describe('FakeServer', () => {
  it('serves on loopback and refuses a second start', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.url).toBe(base);
    await expect(fake.start()).rejects.toThrow('already started');
  });

  it('records JSON requests with params, query and lower-case headers', async () => {
    const res = await postJson('/v1/123/messages?a=1&b=2&b=3', { to: '5511', text: { body: 'oi' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messages: [{ id: 'wamid.123' }] });

    const [req] = fake.requests();
    expect(req).toMatchObject({
      method: 'POST',
      path: '/v1/123/messages',
      query: { a: '1', b: ['2', '3'] },
      params: { phoneId: '123' },
      body: { to: '5511', text: { body: 'oi' } },
    });
    expect(req.headers['x-trace']).toBe('abc');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.rawBody.toString())).toEqual(req.body);
    expect(req.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('checks auth with the bearer and basic helpers', async () => {
    expect((await postJson('/v1/1/messages', {}, 'bad')).status).toBe(401);
    const form = new URLSearchParams([
      ['To', 'whatsapp:+5511'],
      ['MediaUrl', 'https://a/1.jpg'],
      ['MediaUrl', 'https://a/2.jpg'],
    ]);
    const post = (user: string, pass: string) =>
      call('/2010-04-01/Accounts/AC1/Messages.json', {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` },
        body: form,
      });
    expect((await post('AC1', 'wrong')).status).toBe(401);
    const ok = await post('AC1', 'token');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({
      sid: 'SM1',
      to: 'whatsapp:+5511',
      media: ['https://a/1.jpg', 'https://a/2.jpg'],
    });
    expect(fake.requests({ method: 'POST', path: '/2010-04-01/Accounts/:sid/Messages.json' })).toHaveLength(
      2,
    );
    expect(basic({ headers: { authorization: 'Basic !!' } })).toBeUndefined();
    expect(bearer({ headers: { authorization: 'bearer x y' } })).toBeUndefined();
  });

  it('decodes params, keeps malformed JSON as text, matches a trailing wildcard', async () => {
    const res = await call('/calendars/team%40clinic.com.br/events');
    expect(await res.json()).toEqual({ id: 'team@clinic.com.br' });
    expect(fake.requests()[0].path).toBe('/calendars/team%40clinic.com.br/events');

    expect(await (await call('/files/a/b.txt')).text()).toBe('a/b.txt');

    const bad = await call('/v1/1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer good' },
      body: '{"to":',
    });
    expect(bad.status).toBe(400);
    expect(fake.requests({ path: /messages$/ })[0].body).toBe('{"to":');
  });

  it('answers 404 JSON for a route-less request and still records it', async () => {
    const res = await call('/nowhere', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: 'not_found' });
    expect(fake.requests()).toMatchObject([{ method: 'DELETE', path: '/nowhere', params: {} }]);
  });

  it('answers 500 with the message when a handler throws', async () => {
    const res = await call('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ message: 'Error: fake bug' });
  });

  it('fails the next requests on demand, then recovers', async () => {
    fake.failNext(2, { status: 503, body: { error: 'down' }, headers: { 'Retry-After': '1' } });
    const first = await postJson('/v1/1/messages', {});
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toEqual({ error: 'down' });
    expect((await postJson('/v1/1/messages', {})).status).toBe(503);
    expect((await postJson('/v1/1/messages', {})).status).toBe(200);
    expect(fake.requests()).toHaveLength(3);
  });

  it('applies a filtered failNext only to matching requests, with a delay', async () => {
    fake.failNext(1, { status: 429, delayMs: 150 }, { path: '/v1/:phoneId/messages' });
    expect((await call('/calendars/x/events')).status).toBe(200);
    const started = Date.now();
    expect((await postJson('/v1/1/messages', {})).status).toBe(429);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await postJson('/v1/1/messages', {})).status).toBe(200);
  });

  it('fails requests matching a predicate until removed or cleared', async () => {
    const remove = fake.failWhen((r) => r.body?.to === 'blocked', {
      status: 400,
      body: { error: 'blocked' },
    });
    expect((await postJson('/v1/1/messages', { to: 'blocked' })).status).toBe(400);
    expect((await postJson('/v1/1/messages', { to: 'ok' })).status).toBe(200);
    remove();
    expect((await postJson('/v1/1/messages', { to: 'blocked' })).status).toBe(200);

    fake.failWhen(() => true, { status: 500 });
    expect((await call('/calendars/x/events')).status).toBe(500);
    fake.clearFailures();
    expect((await call('/calendars/x/events')).status).toBe(200);
  });

  it('hangs without answering, and stop() does not wait for the hung request', async () => {
    fake.failNext(1, { hang: true });
    const pending = call('/calendars/x/events');
    pending.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
    await fake.waitForRequests(1, 1000);

    await fake.stop(); // a stop that waited for the hung request would run into the test's timeout
    await expect(pending).rejects.toThrow();
  });

  it('drips a body slowly and completes it', async () => {
    fake.failNext(1, { drip: { bytes: 4, intervalMs: 20, body: { ok: true, id: 'abc' } } });
    const started = Date.now();
    const res = await call('/calendars/x/events');
    expect(await res.json()).toEqual({ ok: true, id: 'abc' }); // 24 bytes: 6 chunks
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('drips endlessly until stop(), which does not hang', async () => {
    fake.failNext(1, { drip: { bytes: 1, intervalMs: 10 } });
    const res = await call('/calendars/x/events');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const chunk = await reader.read();
    expect(new TextDecoder().decode(chunk.value)).toMatch(/^ +$/);

    await fake.stop(); // would run into the test's timeout if it waited for the drip
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow();
  });

  it('resets the connection on destroy, after recording the request', async () => {
    fake.failNext(1, { destroy: true });
    const err: unknown = await postJson('/v1/1/messages', { to: 'x' }).catch((e: unknown) => e);
    // undici reports a reset as `fetch failed` with the socket error as its cause
    expect(err).toMatchObject({
      message: 'fetch failed',
      cause: { code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) },
    });
    expect(fake.requests()[0].body).toEqual({ to: 'x' });
    expect((await postJson('/v1/1/messages', {})).status).toBe(200);
  });

  it('waits for requests, and rejects clearly on timeout', async () => {
    const waiting = fake.waitForRequests(2, 2000, { method: 'GET' });
    await call('/calendars/a/events');
    await postJson('/v1/1/messages', {});
    await call('/calendars/b/events');
    expect((await waiting).map((r) => r.params.calendarId)).toEqual(['a', 'b']);

    await expect(fake.waitForRequests(3, 100, { method: 'GET' })).rejects.toThrow(
      /expected 3 request\(s\) matching GET \* within 100 ms, got 2; last recorded: \[GET \/calendars\/a\/events, POST/,
    );
  });

  it('forgets requests and failures on reset', async () => {
    fake.failNext(5, { status: 500 });
    await call('/calendars/a/events');
    fake.reset();
    expect(fake.requests()).toEqual([]);
    expect((await call('/calendars/a/events')).status).toBe(200);
  });
});
