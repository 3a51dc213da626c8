import { createHmac } from 'node:crypto';
import { SystemClock } from '../../src/platform/clock';
import { OutboundHttp } from '../../src/platform/outbound/outbound-http';
import { WahaAdapter, type WahaConfig } from '../../src/whatsapp/providers/waha/waha.adapter';
import type { OutgoingMessage, ProviderAccount } from '../../src/notifications/providers/provider-adapter';
import { FakeServer } from './fake-server';
import { decodePng } from './png';
import { FakeWaha, without9th } from './waha';

const API_KEY = 'waha-api-key';
const HMAC = 'waha-hmac-key';
const PHONE = '5531992953088';

class Sink extends FakeServer {
  constructor() {
    super();
    this.route('POST', '/webhooks/*', (_req, res) => res.json({ received: true }));
  }
}

const fake = new FakeWaha({ apiKey: API_KEY, hmacKey: HMAC });
const sink = new Sink();
const http = new OutboundHttp({
  allowPrivate: true,
  timeoutMs: 5000,
  maxResponseBytes: 1 << 20,
  userAgent: 'test',
});
let versions = 0;
const account = (config: Partial<WahaConfig> = {}) =>
  ({
    id: 'p-1',
    workspaceId: 'w-1',
    kind: 'waha',
    // a fresh version per test, so that the adapter's chat id cache starts empty
    version: `v${++versions}`,
    config: { baseUrl: fake.url, apiKey: API_KEY, session: 'default', ...config },
  }) as ProviderAccount<WahaConfig>;
const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  notificationId: 'n-1',
  channel: 'whatsapp',
  to: `+${PHONE}`,
  content: { subject: null, text: 'Olá!', html: null, whatsapp: null },
  ...over,
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown, key = API_KEY) {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
const sendText = (chatId = `${PHONE}@c.us`, session = 'default') =>
  call('POST', '/api/sendText', { session, chatId, text: 'Olá!' });

beforeAll(async () => {
  await fake.start();
  await sink.start();
});
afterEach(() => {
  fake.reset();
  sink.reset();
});
afterAll(async () => {
  await fake.stop();
  await sink.stop();
  await http.close();
});

describe('FakeWaha', () => {
  it('answers sendText with 201 in the shape of each engine, or empty (issue #1087)', async () => {
    const webjs = await sendText();
    expect(webjs.status).toBe(201);
    const [first] = fake.sentMessages();
    expect(first.id).toMatch(new RegExp(`^true_${PHONE}@c\\.us_3EB0[0-9A-F]{18}$`));
    expect(webjs.json).toMatchObject({
      id: { fromMe: true, remote: `${PHONE}@c.us`, _serialized: first.id },
      fromMe: true,
    });

    fake.useEngine('NOWEB');
    const noweb = await sendText();
    const key = fake.sentMessages()[1].id.split('_').pop();
    expect(noweb.json).toEqual({
      key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: true, id: key },
      message: { extendedTextMessage: { text: 'Olá!' } },
      messageTimestamp: expect.stringMatching(/^\d+$/),
      status: 'PENDING',
    });

    fake.useEngine('GOWS');
    expect((await sendText()).json).toMatchObject({ id: fake.sentMessages()[2].id });

    fake.emptyAnswers(true);
    expect(await sendText()).toEqual({ status: 201, json: undefined });
    expect(fake.sentMessages()).toHaveLength(4);
  });

  it('checks X-Api-Key, the body and the session as WAHA does', async () => {
    expect(await call('POST', '/api/sendText', {}, 'wrong')).toEqual({
      status: 401,
      json: { message: 'Unauthorized', statusCode: 401 },
    });
    const bad = await call('POST', '/api/sendText', {
      session: 'default',
      chatId: '+5531992953088',
      text: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toEqual(['chatId must look like 5511999999999@c.us', 'text must be a string']);
    expect((await sendText(undefined, 'other')).status).toBe(404);
    const noMime = await call('POST', '/api/sendFile', {
      session: 'default',
      chatId: `${PHONE}@c.us`,
      file: { url: 'https://x/a' },
    });
    expect(noMime.json.message).toEqual(['file.mimetype must be a string']);
    expect(fake.sentMessages()).toEqual([]);
  });

  it('disconnect(): 422 with the status until connect(); the session endpoint tells', async () => {
    fake.disconnect('STARTING');
    expect(await sendText()).toEqual({
      status: 422,
      json: {
        error: 'Session status is not as expected. Try again later or restart the session',
        session: 'default',
        status: 'STARTING',
        expected: ['WORKING'],
      },
    });
    expect((await call('GET', '/api/sessions/default')).json).toMatchObject({
      name: 'default',
      status: 'STARTING',
      me: null,
    });
    fake.connect();
    expect((await call('GET', '/api/sessions/default')).json).toMatchObject({
      status: 'WORKING',
      engine: { engine: 'WEBJS' },
    });
  });

  it('check-exists resolves the 9th digit; a send to the other form is accepted but not deliverable', async () => {
    fake.registeredAs(PHONE, without9th(PHONE));
    expect(without9th(PHONE)).toBe('553192953088@c.us');
    expect((await call('GET', `/api/contacts/check-exists?phone=${PHONE}&session=default`)).json).toEqual({
      numberExists: true,
      chatId: '553192953088@c.us',
    });
    await sendText(`${PHONE}@c.us`);
    await sendText('553192953088@c.us');
    expect(fake.sentMessages().map((m) => m.deliverable)).toEqual([false, true]);
    fake.notOnWhatsApp('5511988887777');
    expect(
      (await call('GET', '/api/contacts/check-exists?phone=5511988887777&session=default')).json,
    ).toEqual({
      numberExists: false,
      chatId: null,
    });
  });

  it('posts message.ack in the WAHA envelope, signed with X-Webhook-Hmac (sha512 hex)', async () => {
    await sendText();
    const [sent] = fake.sentMessages();
    expect(await fake.sendAck(`${sink.url}/webhooks/waha`, sent.id, 'DEVICE')).toBe(200);
    const [hook] = sink.requests();
    expect(hook.headers['x-webhook-hmac']).toBe(
      createHmac('sha512', HMAC).update(hook.rawBody).digest('hex'),
    );
    expect(hook.headers['x-webhook-hmac-algorithm']).toBe('sha512');
    expect(hook.headers['x-webhook-timestamp']).toMatch(/^\d{13}$/);
    expect(hook.body).toMatchObject({
      event: 'message.ack',
      session: 'default',
      engine: 'WEBJS',
      payload: { id: sent.id, fromMe: true, ack: 2, ackName: 'DEVICE', to: `${PHONE}@c.us` },
    });
  });
});

describe('WahaAdapter against the fake', () => {
  it('resolves the Brazilian chat id first, then sends to it with X-Api-Key', async () => {
    fake.registeredAs(PHONE, without9th(PHONE));
    const adapter = new WahaAdapter(http, new SystemClock());
    const acct = account();
    const receipt = await adapter.send(acct, message());
    const [sent] = fake.sentMessages();
    expect(sent).toMatchObject({ chatId: '553192953088@c.us', deliverable: true, text: 'Olá!' });
    expect(receipt).toEqual({ providerMessageId: sent.id });
    const [lookup, send] = fake.requests();
    expect(lookup.query).toEqual({ phone: PHONE, session: 'default' });
    expect(send.headers['x-api-key']).toBe(API_KEY);
    // cached: the second send asks no more
    await adapter.send(acct, message());
    expect(fake.requests({ path: '/api/contacts/check-exists' })).toHaveLength(1);
    // other countries are not looked up
    await adapter.send(acct, message({ to: '+14155238886' }));
    expect(fake.sentMessages()[2].chatId).toBe('14155238886@c.us');
  });

  it.each(['WEBJS', 'NOWEB', 'GOWS'] as const)(
    '%s: the id answered is the one message.ack carries',
    async (engine) => {
      fake.useEngine(engine);
      const receipt = await new WahaAdapter(http, new SystemClock()).send(account(), message());
      expect(receipt.providerMessageId).toBe(fake.sentMessages()[0].id);
    },
  );

  it('an empty answer still counts as sent (no retry, no duplicate)', async () => {
    fake.emptyAnswers(true);
    const receipt = await new WahaAdapter(http, new SystemClock()).send(account(), message());
    expect(receipt.providerMessageId).toBe('unknown_n-1');
    expect(fake.sentMessages()).toHaveLength(1);
  });

  it('classifies: session not WORKING transient; not on WhatsApp, bad key permanent', async () => {
    const adapter = new WahaAdapter(http, new SystemClock());
    fake.disconnect();
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'transient',
      code: 'session_not_working',
    });
    fake.connect();
    fake.notOnWhatsApp(PHONE);
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'number_not_on_whatsapp',
    });
    await expect(adapter.send(account({ apiKey: 'x' }), message())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'http_401',
    });
    expect(fake.sentMessages()).toEqual([]);
  });

  it('check reads the session status', async () => {
    const adapter = new WahaAdapter(http, new SystemClock());
    expect(await adapter.check(account())).toEqual({
      ok: true,
      detail: 'session default is WORKING as 5531933330000@c.us, engine WEBJS',
    });
    fake.disconnect('SCAN_QR_CODE');
    expect(await adapter.check(account())).toEqual({
      ok: false,
      detail: 'session default is SCAN_QR_CODE, engine WEBJS',
    });
    expect((await adapter.check(account({ session: 'nope' }))).detail).toMatch(/didn't find a session/);
  });
});

describe('FakeWaha sessions and the adapter’s session control', () => {
  const sessions = () => new WahaAdapter(http, new SystemClock()).sessions;

  it('start: STARTING, then SCAN_QR_CODE; the QR as PNG bytes or base64 JSON; scan(): WORKING', async () => {
    fake.disconnect('STOPPED');
    expect((await call('POST', '/api/sessions/default/start', undefined, 'wrong')).status).toBe(401);
    const started = await call('POST', '/api/sessions/default/start');
    expect(started).toMatchObject({ status: 201, json: { name: 'default', status: 'STARTING' } });
    await new Promise((r) => setTimeout(r, 60));
    expect((await call('GET', '/api/sessions/default')).json.status).toBe('SCAN_QR_CODE');
    const png = await fetch(`${fake.url}/api/default/auth/qr?format=image`, {
      headers: { 'x-api-key': API_KEY, accept: 'image/png' },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(decodePng(bytes)).toMatchObject({ width: 232, height: 232 });
    const json = await fetch(`${fake.url}/api/default/auth/qr?format=image`, {
      headers: { 'x-api-key': API_KEY, accept: 'application/json' },
    });
    expect(await json.json()).toEqual({ mimetype: 'image/png', data: bytes.toString('base64') });
    expect((await call('GET', '/api/default/auth/qr?format=image', undefined, 'wrong')).status).toBe(401);
    await fake.scan();
    expect((await call('GET', '/api/default/auth/qr?format=image')).status).toBe(422);
    expect((await call('POST', '/api/sessions/default/start')).status).toBe(422);
    await expect(fake.scan()).rejects.toThrow(/no QR/);
  });

  it('posts session.status, signed, to the session webhook on scan and drop', async () => {
    fake.disconnect('SCAN_QR_CODE');
    fake.sessionWebhook(`${sink.url}/webhooks/waha`);
    await fake.scan();
    await fake.dropSession('FAILED');
    const [scanned, dropped] = sink.requests();
    expect([scanned.body.event, scanned.body.payload, dropped.body.payload]).toEqual([
      'session.status',
      { status: 'WORKING' },
      { status: 'FAILED' },
    ]);
    expect(scanned.headers['x-webhook-hmac']).toBe(
      createHmac('sha512', HMAC).update(scanned.rawBody).digest('hex'),
    );
  });

  it('WahaSessions: start, status, QR (null once WORKING), stop; a wrong key throws', async () => {
    const control = sessions();
    fake.disconnect('STOPPED');
    expect(await control.start(account())).toMatchObject({ status: 'STARTING', raw: 'STARTING' });
    await new Promise((r) => setTimeout(r, 60));
    expect(await control.status(account())).toEqual({
      status: 'SCAN_QR_CODE',
      raw: 'SCAN_QR_CODE',
      me: null,
    });
    expect((await control.qr(account()))!.equals(fake.qrPng())).toBe(true);
    await fake.scan();
    expect(await control.status(account())).toEqual({
      status: 'WORKING',
      raw: 'WORKING',
      me: '5531933330000@c.us',
    });
    expect(await control.qr(account())).toBeNull();
    // starting a running session is no error: its status
    expect(await control.start(account())).toMatchObject({ status: 'WORKING' });
    expect(await control.stop(account())).toMatchObject({ status: 'STOPPED' });
    expect(await control.status(account({ session: 'nope' }))).toMatchObject({
      status: 'STOPPED',
      raw: 'NOT_FOUND',
    });
    await expect(control.status(account({ apiKey: 'x' }))).rejects.toMatchObject({ code: 'http_401' });
  });
});
