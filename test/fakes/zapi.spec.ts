import { OutboundHttp } from '../../src/platform/outbound/outbound-http';
import { ZapiAdapter, type ZapiConfig } from '../../src/whatsapp/providers/zapi/zapi.adapter';
import type { OutgoingMessage, ProviderAccount } from '../../src/notifications/providers/provider-adapter';
import { FakeServer } from './fake-server';
import { decodePng } from './png';
import { FakeZapi } from './zapi';

const OPTS = {
  instanceId: '3C4A1B2D3E4F5A6B7C8D9E0F1A2B3C4D',
  token: 'F1E2D3C4B5A69788',
  clientToken: 'Fa1b2c3d4S',
};
const PHONE = '5531992953088';

/** Stands in for Ponte's webhook endpoint. */
class Sink extends FakeServer {
  constructor() {
    super();
    this.route('POST', '/webhooks/*', (_req, res) => res.json({ received: true }));
  }
}

const fake = new FakeZapi(OPTS);
const sink = new Sink();
const http = new OutboundHttp({
  allowPrivate: true,
  timeoutMs: 5000,
  maxResponseBytes: 1 << 20,
  userAgent: 'test',
});
const adapter = new ZapiAdapter(http);
const root = () => `${fake.url}/instances/${OPTS.instanceId}/token/${OPTS.token}`;
const account = (config: Partial<ZapiConfig> = {}) =>
  ({
    id: 'p-1',
    workspaceId: 'w-1',
    kind: 'zapi',
    version: 'v1',
    config: { ...OPTS, baseUrl: fake.url, ...config },
  }) as ProviderAccount<ZapiConfig>;
const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  notificationId: 'n-1',
  channel: 'whatsapp',
  to: `+${PHONE}`,
  content: { subject: null, text: 'Olá!', html: null, whatsapp: null },
  ...over,
});

async function post(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${root()}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'client-token': OPTS.clientToken, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

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

describe('FakeZapi', () => {
  it('send-text answers zaapId, messageId and id (= messageId), and records the message', async () => {
    const res = await post('send-text', { phone: PHONE, message: 'Olá!' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      zaapId: expect.stringMatching(/^[0-9A-F]{32}$/),
      messageId: expect.stringMatching(/^[0-9A-F]{20}$/),
      id: res.json.messageId,
    });
    expect(fake.sentMessages()).toEqual([
      expect.objectContaining({ method: 'send-text', phone: PHONE, messageId: res.json.messageId }),
    ]);
  });

  it('checks instance, token and Client-Token as Z-API does', async () => {
    const wrongToken = await fetch(`${fake.url}/instances/${OPTS.instanceId}/token/nope/send-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-token': OPTS.clientToken },
      body: JSON.stringify({ phone: PHONE, message: 'x' }),
    });
    expect(wrongToken.status).toBe(404);
    const missing = await fetch(`${root()}/send-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: PHONE, message: 'x' }),
    });
    expect(await missing.json()).toEqual({ error: 'null not allowed' });
    expect((await post('send-text', { phone: PHONE, message: 'x' }, { 'client-token': 'bad' })).status).toBe(
      401,
    );
    expect(fake.sentMessages()).toEqual([]);
  });

  it('refuses what Z-API refuses: formatted phones, empty messages, long labels, link not at the end, no JSON', async () => {
    expect((await post('send-text', { phone: '+55 31 99295-3088', message: 'x' })).json.error).toMatch(
      /digits/,
    );
    expect((await post('send-text', { phone: PHONE, message: '' })).status).toBe(400);
    const label = { id: 'a', label: 'x'.repeat(21) };
    expect(
      (await post('send-button-list', { phone: PHONE, message: 'x', buttonList: { buttons: [label] } }))
        .status,
    ).toBe(400);
    const link = {
      phone: PHONE,
      message: 'https://a.b x',
      image: 'https://i',
      linkUrl: 'https://a.b',
      title: 't',
      linkDescription: 'd',
    };
    expect((await post('send-link', link)).json.error).toBe('message must end with linkUrl');
    const form = await fetch(`${root()}/send-text`, {
      method: 'POST',
      headers: { 'client-token': OPTS.clientToken, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'phone=1&message=x',
    });
    expect(form.status).toBe(415);
  });

  it('disconnect(): sends fail, /status says so; connect() restores both', async () => {
    fake.disconnect();
    expect(await post('send-text', { phone: PHONE, message: 'x' })).toEqual({
      status: 400,
      json: { error: 'You are not connected.' },
    });
    const status = await fetch(`${root()}/status`, { headers: { 'client-token': OPTS.clientToken } });
    expect(await status.json()).toEqual({
      connected: false,
      error: 'You are not connected.',
      smartphoneConnected: false,
    });
    fake.connect();
    expect((await post('send-text', { phone: PHONE, message: 'x' })).status).toBe(200);
  });

  it('permanentFailureFor() and the base failNext()', async () => {
    fake.permanentFailureFor(`+${PHONE}`);
    expect(await post('send-text', { phone: PHONE, message: 'x' })).toEqual({
      status: 400,
      json: { error: 'Phone number does not exist' },
    });
    fake.failNext(1, { status: 503 });
    expect((await post('send-text', { phone: '5511999999999', message: 'x' })).status).toBe(503);
  });

  it('posts MessageStatusCallback and DeliveryCallback unsigned, to the URL as given (token included)', async () => {
    const { json } = await post('send-text', { phone: PHONE, message: 'x' });
    const url = `${sink.url}/webhooks/zapi-1?token=abc`;
    expect(await fake.sendStatus(url, json.messageId, 'RECEIVED')).toBe(200);
    expect(await fake.sendDelivery(url, json.messageId, { error: 'Phone number does not exist' })).toBe(200);
    const [status, delivery] = sink.requests();
    expect(status.query).toEqual({ token: 'abc' });
    expect(status.body).toEqual({
      instanceId: OPTS.instanceId,
      status: 'RECEIVED',
      ids: [json.messageId],
      momment: expect.any(Number),
      phoneDevice: 0,
      phone: PHONE,
      type: 'MessageStatusCallback',
      isGroup: false,
    });
    expect(delivery.body).toMatchObject({
      type: 'DeliveryCallback',
      messageId: json.messageId,
      error: expect.any(String),
    });
    expect(Object.keys(status.headers).filter((h) => /sign|hmac/.test(h))).toEqual([]);
  });
});

describe('ZapiAdapter against the fake', () => {
  it('sends with Client-Token and answers the WhatsApp messageId (not zaapId)', async () => {
    const receipt = await adapter.send(account(), message());
    const [sent] = fake.sentMessages();
    expect(receipt).toEqual({ providerMessageId: sent.messageId });
    const [req] = fake.requests();
    expect(req.path).toBe(`/instances/${OPTS.instanceId}/token/${OPTS.token}/send-text`);
    expect(req.headers['client-token']).toBe(OPTS.clientToken);
  });

  it('buttons, image and document reach the right methods', async () => {
    await adapter.send(account(), message({ buttons: [{ id: 'y', title: 'Sim' }] }));
    await adapter.send(account(), message({ media: { type: 'image', url: 'https://x/a.jpg' } }));
    await adapter.send(account(), message({ media: { type: 'document', url: 'https://x/b.pdf' } }));
    await adapter.send(
      account(),
      message({
        content: { subject: null, text: 'Agenda: https://a.com.br/x', html: null, whatsapp: null },
        media: { type: 'image', url: 'https://x/a.jpg' },
      }),
    );
    expect(fake.sentMessages().map((m) => [m.method, m.extension])).toEqual([
      ['send-button-list', undefined],
      ['send-image', undefined],
      ['send-document', 'pdf'],
      ['send-link', undefined],
    ]);
  });

  it('classifies: disconnected transient, unknown number and bad Client-Token permanent', async () => {
    fake.disconnect();
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'transient',
      code: 'instance_disconnected',
    });
    fake.connect();
    fake.permanentFailureFor(PHONE);
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'http_400',
    });
    await expect(
      adapter.send(account({ clientToken: 'x' }), message({ to: '+5511999999999' })),
    ).rejects.toMatchObject({
      kind: 'permanent',
      code: 'http_401',
    });
  });

  it('check reads the instance status', async () => {
    expect(await adapter.check(account())).toMatchObject({ ok: true });
    fake.disconnect();
    expect(await adapter.check(account())).toEqual({
      ok: false,
      detail: `instance ${OPTS.instanceId} is not connected: You are not connected., phone offline`,
    });
    expect((await adapter.check(account({ token: 'x' }))).detail).toBe('Instance not found');
  });
});

describe('FakeZapi sessions and the adapter’s session control', () => {
  const get = async (method: string, clientToken = OPTS.clientToken) => {
    const res = await fetch(`${root()}/${method}`, { headers: { 'client-token': clientToken } });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('qr-code/image answers a base64 PNG while not connected; restart, disconnect; Client-Token checked', async () => {
    expect(await get('qr-code/image')).toEqual({
      status: 200,
      json: { connected: true, error: 'You are already connected.' },
    });
    expect(await get('disconnect')).toEqual({ status: 200, json: { value: true } });
    const { json } = await get('qr-code/image');
    expect(json.value).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(json.value.split(',')[1], 'base64');
    expect(decodePng(png)).toMatchObject({ width: 232, height: 232 });
    expect((await get('qr-code/image', 'wrong')).status).toBe(401);
    expect(await get('restart')).toEqual({ status: 200, json: { value: true } });
  });

  it('scan() posts ConnectedCallback, dropSession() the documented DisconnectedCallback', async () => {
    fake.disconnect();
    fake.sessionWebhook(`${sink.url}/webhooks/zapi?token=t`);
    await fake.scan();
    await expect(fake.scan()).rejects.toThrow(/already connected/);
    await fake.dropSession();
    const [connected, dropped] = sink.requests();
    expect(connected.body).toMatchObject({ type: 'ConnectedCallback', instanceId: OPTS.instanceId });
    expect(dropped.body).toEqual({
      momment: expect.any(Number),
      error: 'Device has been disconnected',
      disconnected: true,
      type: 'DisconnectedCallback',
    });
    expect((await get('status')).json.connected).toBe(false);
  });

  it('ZapiSessions: restart then status, QR, disconnect; a wrong Client-Token throws', async () => {
    const control = adapter.sessions;
    fake.disconnect();
    expect(await control.start(account())).toEqual({ status: 'SCAN_QR_CODE', raw: 'You are not connected.' });
    expect(fake.requests((r) => r.path.endsWith('/restart'))).toHaveLength(1);
    expect((await control.qr(account()))!.equals(fake.qrPng())).toBe(true);
    await fake.scan();
    expect(await control.status(account())).toEqual({ status: 'WORKING', raw: 'connected' });
    expect(await control.qr(account())).toBeNull();
    expect(await control.stop(account())).toEqual({ status: 'STOPPED', raw: 'disconnected' });
    expect((await get('status')).json.connected).toBe(false);
    await expect(control.status(account({ clientToken: 'x' }))).rejects.toMatchObject({ code: 'http_401' });
  });
});
