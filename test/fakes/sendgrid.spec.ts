import { OutboundHttp } from '../../src/platform/outbound/outbound-http';
import {
  SendGridAdapter,
  type SendGridConfig,
} from '../../src/notifications/providers/sendgrid/sendgrid.adapter';
import type { OutgoingMessage, ProviderAccount } from '../../src/notifications/providers/provider-adapter';
import { FakeSendGrid } from './sendgrid';

const KEY = 'SG.test-key.0123456789';
const fake = new FakeSendGrid({ apiKey: KEY });
const http = new OutboundHttp({
  allowPrivate: true,
  timeoutMs: 5000,
  maxResponseBytes: 1 << 20,
  userAgent: 'test',
});
const adapter = new SendGridAdapter(http);
const account = (config: Partial<SendGridConfig> = {}) =>
  ({
    id: 'p-1',
    workspaceId: 'w-1',
    kind: 'sendgrid',
    version: 'v1',
    config: { apiKey: KEY, from: 'Ponte <no-reply@ponte.test>', baseUrl: fake.url, ...config },
  }) as ProviderAccount<SendGridConfig>;
const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  notificationId: 'n-1',
  channel: 'email',
  to: 'maria@example.com',
  content: { subject: 'Oi', text: 'Olá, Maria', html: '<p>Olá, Maria</p>', whatsapp: null },
  ...over,
});
const valid = {
  personalizations: [{ to: [{ email: 'm@ex.com' }] }],
  from: { email: 'n@hub.com' },
  subject: 's',
  content: [{ type: 'text/plain', value: 't' }],
};

async function send(body: unknown, key = KEY) {
  const res = await fetch(`${fake.url}/v3/mail/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    id: res.headers.get('x-message-id'),
    json: text ? JSON.parse(text) : undefined,
  };
}

beforeAll(() => fake.start());
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.stop();
  await http.close();
});

describe('FakeSendGrid', () => {
  it('answers 202 with an empty body and X-Message-Id, and records the mail', async () => {
    const res = await send(valid);
    expect(res).toEqual({ status: 202, id: expect.stringMatching(/^[\w-]{22}$/), json: undefined });
    expect(fake.sentMessages()).toEqual([
      expect.objectContaining({
        messageId: res.id,
        to: ['m@ex.com'],
        from: { email: 'n@hub.com' },
        subject: 's',
        text: 't',
      }),
    ]);
  });

  it('refuses a key that is wrong or not SG.', async () => {
    for (const key of ['SG.other', 'not-sg']) {
      const res = await send(valid, key);
      expect(res.status).toBe(401);
      expect(res.json.errors[0]).toEqual({
        message: 'The provided authorization grant is invalid, expired, or revoked',
        field: null,
        help: null,
      });
    }
  });

  it('lists every validation error at once, with its field', async () => {
    const res = await send({
      personalizations: [{ to: [{ email: 'not-an-address' }] }],
      from: { email: 'n@hub.com' },
      content: [
        { type: 'text/html', value: '<p>t</p>' },
        { type: 'text/plain', value: '' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field)).toEqual([
      'personalizations.0.to.0.email',
      'subject',
      'content.1.value',
      'content.1.type',
    ]);
    expect((await send({})).json.errors.map((e: { field: string }) => e.field)).toEqual([
      'personalizations',
      'from',
      'subject',
      'content',
    ]);
    expect(fake.sentMessages()).toEqual([]);
  });

  it('sandbox mode answers 200 and sends nothing; permanentFailureFor and failNext fail on demand', async () => {
    expect((await send({ ...valid, mail_settings: { sandbox_mode: { enable: true } } })).status).toBe(200);
    fake.permanentFailureFor('m@ex.com');
    expect((await send(valid)).json).toEqual({
      errors: [
        { message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null },
      ],
    });
    fake.reset();
    fake.failNext(1, { status: 429, body: { errors: [{ message: 'too many requests', field: null }] } });
    expect((await send(valid)).status).toBe(429);
    expect((await send(valid)).status).toBe(202);
  });

  it('serves /v3/scopes', async () => {
    const res = await fetch(`${fake.url}/v3/scopes`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await res.json()).toEqual({ scopes: ['mail.send'] });
  });
});

describe('SendGridAdapter against the fake', () => {
  it('posts v3 mail send with Bearer, and answers X-Message-Id', async () => {
    const receipt = await adapter.send(account(), message());
    const [sent] = fake.sentMessages();
    expect(receipt).toEqual({ providerMessageId: sent.messageId });
    expect(sent).toMatchObject({
      to: ['maria@example.com'],
      from: { email: 'no-reply@ponte.test', name: 'Ponte' },
      subject: 'Oi',
      text: 'Olá, Maria',
      html: '<p>Olá, Maria</p>',
      customArgs: { ponte_notification_id: 'n-1' },
    });
    const [req] = fake.requests();
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('classifies: 400 permanent with SendGrid’s words, 429 and 5xx transient, SendGrid’s key checked', async () => {
    fake.permanentFailureFor('maria@example.com');
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'http_400',
      message: 'personalizations.0.to.0.email: Does not contain a valid address.',
    });
    fake.reset();
    fake.failNext(1, { status: 429 });
    fake.failNext(1, { status: 502 });
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'transient',
      code: 'http_429',
    });
    await expect(adapter.send(account(), message())).rejects.toMatchObject({
      kind: 'transient',
      code: 'http_502',
    });
    await expect(adapter.send(account({ apiKey: 'SG.wrong' }), message())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'http_401',
    });
  });

  it('check: the key must be valid and hold mail.send', async () => {
    expect(await adapter.check(account())).toMatchObject({ ok: true });
    fake.setScopes(['user.profile.read']);
    expect(await adapter.check(account())).toEqual({
      ok: false,
      detail: 'API key valid but lacks the mail.send scope',
    });
    expect((await adapter.check(account({ apiKey: 'SG.x' }))).detail).toMatch(
      /authorization grant is invalid/,
    );
  });
});
