import { rawRequest } from '../support/raw-http';
import { startTestApp, TestApp } from '../support/test-app';

const KINDS = {
  meta: { appSecret: 's', verifyToken: 'v' },
  twilio: { authToken: 't' },
  zapi: { token: 'z' },
  waha: { hmacKey: 'w' },
  bitrix24: { applicationToken: 'b' },
  standard: {},
};

/** Malformed, oversized, deeply nested, wrong-typed and unicode-heavy bodies. */
function nastyBodies(): Array<{ name: string; type: string; body: Buffer | string }> {
  const unicode = '😀𝔘𝔫𝔦𝔠𝔬𝔡𝔢\u202e\u0000ção'.repeat(200);
  return [
    { name: 'empty json', type: 'application/json', body: '' },
    { name: 'malformed json', type: 'application/json', body: '{"a": [1, 2' },
    { name: 'json null', type: 'application/json', body: 'null' },
    { name: 'json string', type: 'application/json', body: '"text"' },
    { name: 'json array', type: 'application/json', body: '[1, {"a": null}, []]' },
    { name: 'json number', type: 'application/json', body: '12345678901234567890' },
    {
      name: 'wrong types',
      type: 'application/json',
      body: JSON.stringify({
        type: 1,
        data: 'x',
        name: [],
        url: {},
        scopes: 'admin',
        config: [1],
        eventTypes: [null],
        kind: 7,
        email: false,
      }),
    },
    { name: 'deep nesting', type: 'application/json', body: '{"a":'.repeat(3000) + '1' + '}'.repeat(3000) },
    {
      name: 'wide object',
      type: 'application/json',
      body: JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))),
    },
    {
      name: 'unicode heavy',
      type: 'application/json',
      body: JSON.stringify({
        name: unicode,
        type: unicode,
        data: { t: unicode },
        url: unicode,
        text: unicode,
      }),
    },
    {
      name: 'invalid utf-8',
      type: 'application/json',
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    },
    {
      name: 'proto pollution',
      type: 'application/json',
      body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}',
    },
    { name: 'oversized', type: 'application/json', body: Buffer.alloc(2 * 1024 * 1024, 0x20) },
    { name: 'form', type: 'application/x-www-form-urlencoded', body: 'a[b][c]=1&a[b][c]=2&%ZZ=%' },
    { name: 'xml', type: 'application/xml', body: '<a>1</a>' },
    { name: 'no content type', type: '', body: 'whatever' },
  ];
}

describe('fuzz: bad input never gets a 5xx', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    for (const [kind, config] of Object.entries(KINDS)) {
      const res = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: kind, slug: `fuzz-${kind}`, kind, config });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const send = (path: string, type: string, body: Buffer | string, auth = true) =>
    rawRequest(t.app.getHttpServer(), {
      path,
      headers: { ...(type ? { 'content-type': type } : {}), ...(auth ? t.auth() : {}) },
      body,
    });

  it('every webhook kind answers 4xx problem+json to every nasty body', async () => {
    const failures: string[] = [];
    for (const kind of Object.keys(KINDS)) {
      for (const { name, type, body } of nastyBodies()) {
        const res = await send(`/webhooks/fuzz-${kind}`, type, body, false);
        if (res.status >= 500 || res.status < 400) failures.push(`${kind} / ${name}: ${res.status}`);
        else if (!/problem\+json/.test(res.headers['content-type'] ?? ''))
          failures.push(`${kind} / ${name}: ${res.headers['content-type']}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every create endpoint answers 4xx to every nasty body', async () => {
    const doc = (await t.http().get('/docs/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const creates = Object.entries(doc.paths)
      .filter(([path, methods]) => 'post' in methods && !path.includes('{') && !path.startsWith('/v1/auth/'))
      .map(([path]) => path);
    expect(creates.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const path of [...creates, '/v1/auth/login', '/v1/auth/refresh']) {
      for (const { name, type, body } of nastyBodies()) {
        const res = await send(path, type, body);
        if (res.status >= 500 || res.status < 400) failures.push(`${path} / ${name}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
