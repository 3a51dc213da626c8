import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { rawRequest } from '../support/raw-http';
import { metaTextMessage, sign } from '../support/signers';
import { startTestApp, TestApp } from '../support/test-app';

const KINDS = {
  meta: { appSecret: 's', verifyToken: 'v' },
  twilio: { authToken: 't' },
  zapi: { token: 'z' },
  waha: { hmacKey: 'w' },
  bitrix24: { applicationToken: 'b' },
  standard: {},
  json: { auth: 'header', headerName: 'X-Token', token: 'j', eventType: 'fuzz.received' },
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

/**
 * Signed, well-formed webhooks whose text PostgreSQL cannot store as is (NUL, unpaired
 * surrogates, in values, keys and ids): each is answered 200 and stored, cleaned in `data`, with
 * its exact bytes kept in `raw_body` — a 500 here would make every provider retry fail the same
 * way, and the message would be lost.
 */
describe('fuzz: signed webhooks with text PostgreSQL refuses', () => {
  const SECRETS = {
    meta: { appSecret: 'meta-secret', verifyToken: 'v' },
    twilio: { authToken: 'twilio-token' },
    zapi: { token: 'zapi-token' },
    waha: { hmacKey: 'waha-key' },
    bitrix24: { applicationToken: 'bitrix-token' },
    standard: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    json: {
      auth: 'hmac',
      headerName: 'X-Signature',
      secret: 'json-key',
      eventTypeExpression: 'type',
      idExpression: 'id',
    },
  };
  const HOSTILE: Array<[string, string]> = [
    ['NUL', 'a\u0000b'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', '\udc00z'],
    ['mixed', '\u0000\ud83d\ude00\udfff\u0000'],
  ];
  const FORM_KINDS = new Set(['twilio', 'bitrix24']);
  let t: TestApp;
  let db: DataSource;
  const sourceIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    db = t.app.get(DataSource);
    for (const [kind, config] of Object.entries(SECRETS)) {
      const res = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: kind, slug: `signed-${kind}`, kind, config });
      expect(res.status).toBe(201);
      sourceIds[kind] = res.body.id;
    }
  });
  afterAll(() => t?.close());

  /** One signed request per kind carrying `text` in a message, a key and an id. */
  function signedRequest(
    kind: string,
    text: string,
    n: number,
  ): { path: string; headers: Record<string, string>; body: string } {
    const json = 'application/json';
    const form = 'application/x-www-form-urlencoded';
    switch (kind) {
      case 'meta': {
        const body = metaTextMessage({ id: `wamid.${n}${text}`, text, name: text });
        return {
          path: '/webhooks/signed-meta',
          headers: { 'content-type': json, 'x-hub-signature-256': sign.meta(SECRETS.meta.appSecret, body) },
          body,
        };
      }
      case 'twilio': {
        const params = {
          MessageSid: `SM${n}${text}`,
          From: 'whatsapp:+5531992953088',
          To: 'whatsapp:+14155238886',
          Body: text,
          NumMedia: '0',
          [`X${text}`]: text,
        };
        const signature = sign.twilio(
          SECRETS.twilio.authToken,
          'http://ponte.test/webhooks/signed-twilio',
          params,
        );
        return {
          path: '/webhooks/signed-twilio',
          headers: { 'content-type': form, 'x-twilio-signature': signature },
          body: new URLSearchParams(params).toString(),
        };
      }
      case 'zapi': {
        const body = JSON.stringify({
          type: 'ReceivedCallback',
          phone: '553192953088',
          messageId: `Z${n}${text}`,
          fromMe: false,
          momment: Date.now(),
          senderName: text,
          text: { message: text },
          [text]: text,
        });
        return {
          path: `/webhooks/signed-zapi?token=${SECRETS.zapi.token}`,
          headers: { 'content-type': json },
          body,
        };
      }
      case 'waha': {
        const body = JSON.stringify({
          event: 'message',
          session: 'default',
          payload: {
            id: `false_5531992953088@c.us_${n}${text}`,
            from: '5531992953088@c.us',
            to: '5531999999999@c.us',
            body: text,
            fromMe: false,
            hasMedia: false,
            timestamp: Math.floor(Date.now() / 1000),
            [text]: 1,
          },
        });
        return {
          path: '/webhooks/signed-waha',
          headers: {
            'content-type': json,
            'x-webhook-hmac': sign.waha(SECRETS.waha.hmacKey, body),
            'x-webhook-hmac-algorithm': 'sha512',
          },
          body,
        };
      }
      case 'bitrix24': {
        const enc = encodeURIComponent(text.toWellFormed());
        const body = `event=ONIMCONNECTORMESSAGEADD&data%5BCONNECTOR%5D=ponte&data%5BLINE%5D=1&data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=12&data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bmessage_id%5D=${n}${enc}&data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Btext%5D=${enc}&data%5BMESSAGES%5D%5B0%5D%5Bchat%5D%5Bid%5D=5531992953088&auth%5Bapplication_token%5D=${SECRETS.bitrix24.applicationToken}&auth%5Bmember_id%5D=m1&${enc}=${enc}`;
        return { path: '/webhooks/signed-bitrix24', headers: { 'content-type': form }, body };
      }
      default: {
        const body = JSON.stringify({
          type: `lead.created${text}`,
          timestamp: new Date().toISOString(),
          data: { name: text, [text]: [text, { [text]: text }] },
        });
        return {
          path: '/webhooks/signed-standard',
          headers: { 'content-type': json, ...sign.standard(SECRETS.standard.secret, body) },
          body,
        };
      }
      case 'json': {
        const body = JSON.stringify({ type: `lead.${text}`, id: `${n}${text}`, data: { [text]: text } });
        const signature = createHmac('sha256', SECRETS.json.secret).update(body).digest('hex');
        return {
          path: '/webhooks/signed-json',
          headers: { 'content-type': json, 'x-signature': signature },
          body,
        };
      }
    }
  }

  it('answers 200 to every signed webhook and stores it, cleaned, with its exact bytes', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const kind of Object.keys(SECRETS)) {
      for (const [name, text] of HOSTILE) {
        const { path, headers, body } = signedRequest(kind, text, ++n);
        const before = await storedFor(kind);
        const res = await rawRequest(t.app.getHttpServer(), { path, headers, body });
        if (res.status !== 200) {
          failures.push(`${kind} / ${name}: ${res.status} ${res.text.slice(0, 120)}`);
          continue;
        }
        const after = await storedFor(kind);
        const fresh = after.filter((row) => !before.some((b) => b.id === row.id));
        if (fresh.length === 0) failures.push(`${kind} / ${name}: nothing stored`);
        for (const row of fresh) {
          if (/\\u0000|\\ud[89ab]|\\ud[c-f]/i.test(JSON.stringify(row.data)))
            failures.push(`${kind} / ${name}: data holds what jsonb refuses`);
          if (row.raw_body && !row.raw_body.equals(Buffer.from(body, 'utf8')))
            failures.push(`${kind} / ${name}: raw_body differs from the bytes sent`);
        }
        // Form encoding cannot carry an unpaired surrogate (it arrives as U+FFFD): nothing to clean.
        const cleaned = !FORM_KINDS.has(kind) || text.includes('\u0000');
        if (cleaned && !fresh.some((row) => row.raw_body))
          failures.push(`${kind} / ${name}: raw bytes not kept`);
      }
    }
    expect(failures).toEqual([]);
  });

  const storedFor = (kind: string): Promise<Array<{ id: string; data: unknown; raw_body: Buffer | null }>> =>
    db.query('SELECT id, data, raw_body FROM events WHERE source_id = $1', [sourceIds[kind]]);
});
