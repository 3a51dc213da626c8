import { sign } from '../support/signers';
import { FakeServer } from './fake-server';
import { FakeMetaGraph } from './meta-graph';
import { metaJson } from './meta-wire';

const TOKEN = 'EAAG-test-token';
const PHONE_ID = '106540352242922';
const APP_SECRET = 'app-secret';
const TO = '5511999999999';

/** Stands in for Ponte's webhook endpoint: answers `status` and echoes the verification challenge. */
class Sink extends FakeServer {
  status = 200;
  constructor() {
    super();
    this.route('POST', '/webhooks/meta', (_req, res) => res.json({ ok: true }, this.status));
    this.route('GET', '/webhooks/meta', (req, res) =>
      req.query['hub.verify_token'] === 'verify-me'
        ? res.text(String(req.query['hub.challenge']))
        : res.text('Forbidden', 403),
    );
  }
}

const graph = new FakeMetaGraph({ accessToken: TOKEN, phoneNumberId: PHONE_ID, appSecret: APP_SECRET });
const sink = new Sink();
let target: { url: string; appSecret: string };

beforeAll(async () => {
  await graph.start();
  await sink.start();
  target = { url: `${sink.url}/webhooks/meta`, appSecret: APP_SECRET };
});
afterEach(() => {
  graph.reset();
  sink.reset();
  sink.status = 200;
});
afterAll(async () => {
  await graph.stop();
  await sink.stop();
});

interface PostOptions {
  token?: string | null;
  path?: string;
  contentType?: string;
}

async function post(body: unknown, opts: PostOptions = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
  const res = await fetch(`${graph.url}${opts.path ?? `/v23.0/${PHONE_ID}/messages`}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
  return { status: res.status, json: await res.json() };
}

const text = (to = TO, body = 'Olá!') => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { preview_url: false, body },
});
const template = { name: 'appointment_reminder', language: { code: 'pt_BR' } };
const button = (id: string, title = 'Confirmar') => ({ type: 'reply', reply: { id, title } });
const interactive = (buttons: unknown[], type = 'button') => ({
  type,
  body: { text: 'Confirma a consulta?' },
  action: { buttons },
});
const send = (type: string, part: unknown) =>
  post({ messaging_product: 'whatsapp', to: TO, type, [type]: part });

describe('FakeMetaGraph sending', () => {
  it('accepts a text message with the real response shape and records it', async () => {
    const { status, json } = await post(text('+5511999999999'));
    expect(status).toBe(200);
    expect(json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+5511999999999', wa_id: TO }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBg[A-Za-z0-9+/=]+$/) }],
    });
    expect(graph.sentMessages()).toEqual([
      expect.objectContaining({
        wamid: json.messages[0].id,
        to: '+5511999999999',
        waId: TO,
        type: 'text',
        version: 'v23.0',
        phoneNumberId: PHONE_ID,
        body: text('+5511999999999'),
      }),
    ]);
    // The wamid embeds the recipient, as real ones do.
    expect(Buffer.from(json.messages[0].id.slice(6), 'base64').toString('latin1')).toContain(TO);
  });

  it('defaults a missing type to text, as Graph does', async () => {
    const { status } = await post({ messaging_product: 'whatsapp', to: TO, text: { body: 'oi' } });
    expect(status).toBe(200);
    expect(graph.sentMessages()[0].type).toBe('text');
  });

  it.each([
    ['missing', null],
    ['wrong', 'nope'],
  ])('answers 401 OAuthException 190 for a %s token', async (_label, token) => {
    const { status, json } = await post(text(), { token });
    expect(status).toBe(401);
    expect(json.error).toEqual({
      message: expect.stringContaining('Invalid OAuth access token'),
      type: 'OAuthException',
      code: 190,
      fbtrace_id: expect.any(String),
    });
    expect(graph.sentMessages()).toEqual([]);
  });

  it.each([
    ['a malformed version', { path: `/23.0/${PHONE_ID}/messages` }, text()],
    ['an unknown phone number id', { path: '/v23.0/999/messages' }, text()],
    ['a form body', { contentType: 'application/x-www-form-urlencoded' }, 'to=5511'],
    ['malformed JSON', {}, '{"messaging_product":'],
    ['no messaging_product', {}, { to: TO, type: 'text', text: { body: 'oi' } }],
    ['no recipient', {}, { messaging_product: 'whatsapp', type: 'text', text: { body: 'oi' } }],
    ['an unsupported type', {}, { messaging_product: 'whatsapp', to: TO, type: 'audio', audio: { id: '1' } }],
  ])('rejects %s with a 400 code 100', async (_label, opts: PostOptions, body) => {
    const { status, json } = await post(body, opts);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      type: 'OAuthException',
      code: 100,
      message: expect.stringMatching(/^\(#100\) /),
    });
  });

  it.each([
    ['template', template],
    ['image', { id: '1013859600285441' }],
    ['document', { link: 'https://example.com/boleto.pdf', filename: 'boleto.pdf' }],
    ['interactive', interactive([button('a'), button('b'), button('c')])],
  ])('accepts a valid %s message', async (type, part) => {
    expect((await send(type, part)).status).toBe(200);
    expect(graph.sentMessages()[0]).toMatchObject({ type, body: { [type]: part } });
  });

  it.each([
    ['text: empty body', 'text', { body: '' }],
    ['template: no language', 'template', { name: 'x' }],
    ['template: no name', 'template', { language: { code: 'pt_BR' } }],
    ['image: neither id nor link', 'image', { caption: 'no media' }],
    ['document: missing object', 'document', undefined],
    ['interactive: no button', 'interactive', interactive([])],
    [
      'interactive: 4 buttons',
      'interactive',
      interactive([button('a'), button('b'), button('c'), button('d')]),
    ],
    ['interactive: title > 20', 'interactive', interactive([button('a', 'A title longer than 20')])],
    ['interactive: no title', 'interactive', interactive([{ type: 'reply', reply: { id: 'a' } }])],
    ['interactive: list', 'interactive', interactive([button('a')], 'list')],
  ])('rejects an invalid body (%s)', async (_label, type, part) => {
    const { status, json } = await send(type, part);
    expect(status).toBe(400);
    expect(json.error.code).toBe(100);
  });

  it('marks messages read, with or without a typing indicator', async () => {
    const read = {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.HBgLNTUxMTk5OTk5OTk5ORUCABIYFDNB',
    };
    expect(await post(read)).toEqual({ status: 200, json: { success: true } });
    expect((await post({ ...read, typing_indicator: { type: 'text' } })).status).toBe(200);
    expect(graph.markedRead()).toEqual([read.message_id, read.message_id]);
    expect(graph.sentMessages()).toEqual([]);

    const bad = await post({ ...read, message_id: 'not-a-wamid' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe(131009);
  });
});

describe('FakeMetaGraph knobs', () => {
  it('answers a different wa_id for a configured input (Brazil 9th digit)', async () => {
    graph.waIdFor(TO, '551199999999');
    const { json } = await post(text());
    expect(json.contacts).toEqual([{ input: TO, wa_id: '551199999999' }]);
    expect(graph.sentMessages()[0].waId).toBe('551199999999');
  });

  it('fails one recipient permanently with the Meta error shape', async () => {
    graph.permanentFailureFor('+5511988887777', 131026);
    graph.permanentFailureFor('5511977776666', 368);
    const { status, json } = await post(text('5511988887777'));
    expect(status).toBe(400);
    expect(json.error).toEqual({
      message: '(#131026) Message undeliverable',
      type: 'OAuthException',
      code: 131026,
      error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
      fbtrace_id: expect.any(String),
    });
    expect((await post(text('5511977776666'))).status).toBe(403);
    expect((await post(text())).status).toBe(200);
    expect(graph.sentMessages().map((m) => m.to)).toEqual([TO]);
  });

  it('closes the customer-service window for everything but templates', async () => {
    graph.windowClosedSync(true);
    const closed = await post(text());
    expect(closed.status).toBe(400);
    expect(closed.json.error).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message' });
    expect((await send('template', template)).status).toBe(200);
    graph.windowClosedSync(false);
    expect((await post(text())).status).toBe(200);
  });

  it('limits throughput per rolling second with 130429', async () => {
    graph.rateLimitAfter(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(text())).status);
    expect(statuses).toEqual([200, 200, 400]);
    expect((await post(text())).json.error.code).toBe(130429);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await post(text())).status).toBe(200);
    graph.rateLimitAfter(undefined);
    for (let i = 0; i < 3; i++) expect((await post(text())).status).toBe(200);
  });

  it('fails with the base kit and forgets every knob on reset', async () => {
    graph.failNext(1, {
      status: 503,
      body: { error: { code: 2, message: 'Service temporarily unavailable' } },
    });
    expect((await post(text())).status).toBe(503);
    graph.permanentFailureFor(TO, 131026);
    graph.windowClosedSync(true);
    graph.rateLimitAfter(0);
    graph.waIdFor(TO, '1');
    graph.reset();
    expect((await post(text())).json.contacts[0].wa_id).toBe(TO);
    expect(graph.requests()).toHaveLength(1);
  });
});

describe('FakeMetaGraph webhooks', () => {
  it('sends a signed delivered status for a sent wamid', async () => {
    const { json } = await post(text());
    const wamid: string = json.messages[0].id;
    expect(await graph.sendStatus(target, wamid, 'delivered', { timestamp: 1700000000 })).toBe(200);

    const [req] = await sink.waitForRequests(1);
    const raw = req.rawBody.toString('utf8');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-hub-signature-256']).toBe(sign.meta(APP_SECRET, raw));
    expect(req.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: expect.any(String),
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
                statuses: [
                  {
                    id: wamid,
                    status: 'delivered',
                    timestamp: '1700000000',
                    recipient_id: TO,
                    pricing: expect.objectContaining({ pricing_model: 'PMP', category: 'service' }),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('sends a failed status with errors[] and returns what the endpoint answered', async () => {
    sink.status = 401;
    const status = await graph.sendStatus({ url: target.url, appSecret: 'other' }, 'wamid.abc', 'failed', {
      errorCode: 131047,
      recipient: TO,
    });
    expect(status).toBe(401);
    const [req] = await sink.waitForRequests(1);
    expect(req.headers['x-hub-signature-256']).toBe(sign.meta('other', req.rawBody.toString()));
    const item = req.body.entry[0].changes[0].value.statuses[0];
    expect(item).toMatchObject({ id: 'wamid.abc', status: 'failed', recipient_id: TO });
    expect(item.pricing).toBeUndefined();
    expect(item.errors).toEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: { details: expect.stringContaining('24 hours') },
        href: expect.stringContaining('developers.facebook.com'),
      },
    ]);
    await expect(graph.sendStatus(target, 'wamid.unknown', 'read')).rejects.toThrow('opts.recipient');
  });

  it('sends an inbound text with Meta escaping, signed over the exact bytes', async () => {
    const { status, id } = await graph.sendInboundText(target, {
      from: TO,
      text: 'Olá, às 15h/16h?',
      name: 'João',
    });
    expect(status).toBe(200);
    expect(id).toMatch(/^wamid\./);
    const [req] = await sink.waitForRequests(1);
    const raw = req.rawBody.toString('utf8');
    expect(raw).toContain('Ol\\u00e1, \\u00e0s 15h\\/16h?');
    expect(raw).not.toBe(JSON.stringify(req.body)); // a verifier that re-serialises fails, as with Meta
    expect(req.headers['x-hub-signature-256']).toBe(sign.meta(APP_SECRET, raw));
    const value = req.body.entry[0].changes[0].value;
    expect(value.contacts).toEqual([{ profile: { name: 'João' }, wa_id: TO }]);
    expect(value.messages).toEqual([
      {
        from: TO,
        id,
        timestamp: expect.stringMatching(/^\d+$/),
        type: 'text',
        text: { body: 'Olá, às 15h/16h?' },
      },
    ]);
    expect(metaJson({ a: '/' })).toBe('{"a":"\\/"}');
  });

  it('performs the verification handshake', async () => {
    expect(await graph.verifyWebhook(target.url, 'verify-me', '42')).toEqual({ status: 200, body: '42' });
    expect((await graph.verifyWebhook(target.url, 'wrong')).status).toBe(403);
  });
});
