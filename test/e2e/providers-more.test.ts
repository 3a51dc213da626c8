import { FakeSendGrid } from '../fakes/sendgrid';
import { FakeWaha, without9th } from '../fakes/waha';
import { FakeZapi } from '../fakes/zapi';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const ZAPI = {
  instanceId: '3C4A1B2D3E4F5A6B7C8D9E0F1A2B3C4D',
  token: 'F1E2D3C4B5A69788AB',
  clientToken: 'Fa1b2c3d4e5S',
};
const WAHA = { apiKey: 'waha-api-key-4321', session: 'default', hmacKey: 'waha-hmac-key-8765' };
const SENDGRID = { apiKey: 'SG.test-key.abcdefghij0123' };

type Attempt = { providerKind: string; status: string; errorCode: string | null; error: string | null };

describe('more providers: Z-API, WAHA and SendGrid through their adapters', () => {
  let t: TestApp;
  const zapi = new FakeZapi(ZAPI);
  const waha = new FakeWaha({ apiKey: WAHA.apiKey, hmacKey: WAHA.hmacKey });
  const sendgrid = new FakeSendGrid(SENDGRID);
  let phones = 0;
  /** A Brazilian mobile no other test uses, so fakes' per-recipient knobs stay apart. */
  const phone = () => `+55319${String(70000000 + ++phones)}`;

  beforeAll(async () => {
    await Promise.all([zapi.start(), waha.start(), sendgrid.start()]);
    t = await startListeningApp({
      NOTIFICATION_RETRY_SCHEDULE: '300ms,300ms,300ms',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([zapi.stop(), waha.stop(), sendgrid.stop()]);
  });

  const workspace = () => workspaceHarness(t);
  const zapiProvider = (priority = 1) => ({
    channel: 'whatsapp',
    kind: 'zapi',
    name: 'Z-API',
    priority,
    config: { ...ZAPI, baseUrl: zapi.url },
  });
  const wahaProvider = (priority = 1) => ({
    channel: 'whatsapp',
    kind: 'waha',
    name: 'WAHA',
    priority,
    config: { baseUrl: waha.url, apiKey: WAHA.apiKey, session: WAHA.session },
  });
  const sendgridProvider = () => ({
    channel: 'email',
    kind: 'sendgrid',
    name: 'SendGrid',
    config: {
      apiKey: SENDGRID.apiKey,
      from: 'Clínica Sorriso <no-reply@sorriso.test>',
      baseUrl: sendgrid.url,
    },
  });
  const log = (n: { attemptLog: Attempt[] }) =>
    n.attemptLog.map((a) => [a.providerKind, a.status, a.errorCode]);

  it('Z-API: text with Client-Token; MessageStatusCallback (token in the URL) moves it to delivered, then read', async () => {
    const ws = await workspace();
    const created = await ws.provider(zapiProvider());
    expect(created.config).toEqual({
      instanceId: ZAPI.instanceId,
      token: `••••${ZAPI.token.slice(-4)}`,
      clientToken: `••••${ZAPI.clientToken.slice(-4)}`,
      baseUrl: zapi.url,
    });
    const hook = await ws.source('zapi', {});
    expect(hook).toMatch(/\?token=/);
    const to = phone();
    const id = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      content: { body: 'Olá, {{ name }}!' },
      data: { name: 'Maria' },
    });
    const sent = await ws.until(id, 'sent');
    const [req] = zapi.requests((r) => r.body?.phone === to.slice(1));
    expect(req.path).toBe(`/instances/${ZAPI.instanceId}/token/${ZAPI.token}/send-text`);
    expect(req.headers['client-token']).toBe(ZAPI.clientToken);
    expect(req.body).toEqual({ phone: to.slice(1), message: 'Olá, Maria!' });
    const message = zapi.sentMessages().find((m) => m.phone === to.slice(1))!;
    expect(sent).toMatchObject({ providerKind: 'zapi', providerMessageId: message.messageId });

    expect(await zapi.sendStatus(hook, message.messageId, 'RECEIVED')).toBe(200);
    await ws.until(id, 'delivered');
    expect(await zapi.sendStatus(hook, message.messageId, 'READ')).toBe(200);
    const read = await ws.until(id, 'read');
    expect(read.timeline.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
      'read',
    ]);

    expect(await ws.check(created.id)).toMatchObject({
      ok: true,
      detail: expect.stringContaining('connected'),
    });
    zapi.disconnect();
    try {
      expect(await ws.check(created.id)).toMatchObject({
        ok: false,
        detail: expect.stringContaining('not connected'),
      });
    } finally {
      zapi.connect();
    }
  });

  it('Z-API disconnected is transient: retried on the same provider, sent once the phone is back', async () => {
    const ws = await workspace();
    await ws.provider(zapiProvider());
    const to = phone();
    zapi.disconnect();
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp'], content: { body: 'oi' } });
    await zapi.waitForRequests(1, 10_000, (r) => r.body?.phone === to.slice(1)).finally(() => zapi.connect());
    const n = await ws.until(id, 'sent');
    expect(log(n)[0]).toEqual(['zapi', 'failed', 'instance_disconnected']);
    expect(log(n).at(-1)).toEqual(['zapi', 'sent', null]);
  });

  it('WAHA: resolves the chat id of an account without the 9th digit, sends to it; message.ack tracked', async () => {
    const ws = await workspace();
    const created = await ws.provider(wahaProvider());
    expect(created.config).toMatchObject({ apiKey: `••••${WAHA.apiKey.slice(-4)}`, session: 'default' });
    const hook = await ws.source('waha', { hmacKey: WAHA.hmacKey });
    const to = phone();
    waha.registeredAs(to, without9th(to));
    const id = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      content: { body: 'Consulta amanhã' },
    });
    const sent = await ws.until(id, 'sent');
    const [lookup] = waha.requests(
      (r) => r.path === '/api/contacts/check-exists' && r.query.phone === to.slice(1),
    );
    expect(lookup.query).toEqual({ phone: to.slice(1), session: 'default' });
    expect(lookup.headers['x-api-key']).toBe(WAHA.apiKey);
    const message = waha.sentMessages().find((m) => m.chatId === without9th(to))!;
    expect(message).toMatchObject({ kind: 'text', text: 'Consulta amanhã', deliverable: true });
    const [req] = waha.requests((r) => r.path === '/api/sendText' && r.body?.chatId === without9th(to));
    expect(req.headers['x-api-key']).toBe(WAHA.apiKey);
    expect(req.body).toEqual({ session: 'default', chatId: without9th(to), text: 'Consulta amanhã' });
    expect(sent).toMatchObject({ providerKind: 'waha', providerMessageId: message.id });

    expect(await waha.sendAck(hook, message.id, 'DEVICE')).toBe(200);
    await ws.until(id, 'delivered');
    expect(await waha.sendAck(hook, message.id, 'READ')).toBe(200);
    await ws.until(id, 'read');
    expect(await waha.sendAck(hook, message.id, 'READ', { hmacKey: 'forged' })).toBe(401);

    expect(await ws.check(created.id)).toMatchObject({
      ok: true,
      detail: expect.stringContaining('WORKING'),
    });
    waha.disconnect('SCAN_QR_CODE');
    try {
      expect(await ws.check(created.id)).toMatchObject({
        ok: false,
        detail: expect.stringContaining('SCAN_QR_CODE'),
      });
    } finally {
      waha.connect();
    }
  });

  it('WAHA: a session not WORKING is retried; a number not on WhatsApp goes to the next provider', async () => {
    const ws = await workspace();
    await ws.provider(wahaProvider(1));
    await ws.provider(zapiProvider(2));
    const to = phone();
    waha.disconnect('STARTING');
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp'], content: { body: 'oi' } });
    await waha.waitForRequests(1, 10_000, (r) => r.query.phone === to.slice(1)).finally(() => waha.connect());
    const n = await ws.until(id, 'sent');
    expect(log(n)[0]).toEqual(['waha', 'failed', 'session_not_working']);
    expect(log(n).at(-1)).toEqual(['waha', 'sent', null]);

    const gone = phone();
    waha.notOnWhatsApp(gone);
    const goneId = await ws.send({ to: { phone: gone }, channels: ['whatsapp'], content: { body: 'oi' } });
    const fallback = await ws.until(goneId, 'sent');
    expect(log(fallback)).toEqual([
      ['waha', 'failed', 'number_not_on_whatsapp'],
      ['zapi', 'sent', null],
    ]);
  });

  it('SendGrid: v3 mail send with Bearer; X-Message-Id stored; 503 retried; 400 fails with SendGrid’s error', async () => {
    const ws = await workspace();
    const created = await ws.provider(sendgridProvider());
    expect(created.config.apiKey).toBe(`••••${SENDGRID.apiKey.slice(-4)}`);
    sendgrid.failNext(1, {
      status: 503,
      body: { errors: [{ message: 'Service Unavailable', field: null }] },
    });
    const id = await ws.send({
      to: { email: 'maria@example.com' },
      channels: ['email'],
      content: { subject: 'Oi {{ name }}', body: '<p>Olá, {{ name }}</p>' },
      data: { name: 'Maria' },
    });
    const n = await ws.until(id, 'sent');
    const mail = sendgrid.sentMessages().find((m) => m.to[0] === 'maria@example.com')!;
    expect(n.providerMessageId).toBe(mail.messageId);
    expect(log(n)).toEqual([
      ['sendgrid', 'failed', 'http_503'],
      ['sendgrid', 'sent', null],
    ]);
    expect(mail).toMatchObject({
      from: { email: 'no-reply@sorriso.test', name: 'Clínica Sorriso' },
      subject: 'Oi Maria',
      customArgs: { ponte_notification_id: id },
    });
    expect(mail.html).toContain('<p>Olá, Maria</p>');
    const [req] = sendgrid.requests({ method: 'POST', path: '/v3/mail/send' });
    expect(req.headers.authorization).toBe(`Bearer ${SENDGRID.apiKey}`);
    expect(req.body.content[0].type).toBe('text/plain');

    sendgrid.permanentFailureFor('bounce@example.com');
    const badId = await ws.send({
      to: { email: 'bounce@example.com' },
      channels: ['email'],
      content: { subject: 'Oi', body: 'x' },
    });
    const failed = await ws.until(badId, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.attemptLog[0]).toMatchObject({
      providerKind: 'sendgrid',
      status: 'failed',
      errorCode: 'http_400',
      error: 'personalizations.0.to.0.email: Does not contain a valid address.',
    });

    expect(await ws.check(created.id)).toMatchObject({ ok: true });
    sendgrid.setScopes(['user.profile.read']);
    try {
      expect(await ws.check(created.id)).toMatchObject({
        ok: false,
        detail: expect.stringContaining('mail.send'),
      });
    } finally {
      sendgrid.setScopes(['mail.send']);
    }
  });

  it('config: the spec’s keys per kind, checked', async () => {
    const ws = await workspace();
    const noBase = await ws.post('/v1/providers', {
      ...wahaProvider(),
      config: { apiKey: 'k', session: 'default' },
    });
    expect(noBase.body.errors).toEqual([expect.objectContaining({ field: 'config.baseUrl' })]);
    const badFrom = await ws.post('/v1/providers', {
      ...sendgridProvider(),
      config: { apiKey: 'SG.x', from: 'nobody' },
    });
    expect(badFrom.body.errors).toEqual([expect.objectContaining({ field: 'config.from' })]);
    const wrongChannel = await ws.post('/v1/providers', { ...zapiProvider(), channel: 'sms' });
    expect(wrongChannel.body).toMatchObject({ status: 400, errors: [{ field: 'kind' }] });
  });
});
