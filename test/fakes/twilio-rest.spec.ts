import twilio from 'twilio';
import { FakeServer } from './fake-server';
import { FakeTwilio } from './twilio-rest';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token';
const TO = 'whatsapp:+5511999999999';
const FROM = 'whatsapp:+14155238886';

/** Stands in for Ponte's Twilio webhook endpoints. */
class Sink extends FakeServer {
  status = 200;
  constructor() {
    super();
    this.route('POST', '/webhooks/twilio/*', (_req, res) => res.text('<Response/>', this.status, 'text/xml'));
  }
}

const fake = new FakeTwilio({ accountSid: SID, authToken: TOKEN });
const sink = new Sink();
const saved = { edge: process.env.TWILIO_EDGE, region: process.env.TWILIO_REGION };

/** The real SDK, pointed at the fake as providers.md §2.6 describes. */
function client(token = TOKEN): twilio.Twilio {
  const c = twilio(SID, token);
  c.api.baseUrl = fake.url;
  return c;
}

/** What the SDK rejected with, for asserting on RestException fields. */
async function failure(promise: Promise<unknown>): Promise<twilio.RestException> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(twilio.RestException);
  return error as twilio.RestException;
}

/** Raw form POST, for requests the SDK would refuse to build. */
async function rawCreate(params: Record<string, string>): Promise<{ status: number; json: any }> {
  const res = await fetch(`${fake.url}/2010-04-01/Accounts/${SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}` },
    body: new URLSearchParams(params),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  // Either would make the SDK rewrite the host to api.<edge>.<region>.twilio.com.
  delete process.env.TWILIO_EDGE;
  delete process.env.TWILIO_REGION;
  await fake.start();
  await sink.start();
});
afterEach(() => {
  fake.reset();
  sink.reset();
  sink.status = 200;
});
afterAll(async () => {
  await fake.stop();
  await sink.stop();
  if (saved.edge !== undefined) process.env.TWILIO_EDGE = saved.edge;
  if (saved.region !== undefined) process.env.TWILIO_REGION = saved.region;
});

describe('FakeTwilio REST API through the twilio SDK', () => {
  it('creates a WhatsApp message and answers the real resource', async () => {
    const message = await client().messages.create({
      to: TO,
      from: FROM,
      body: 'Olá',
      mediaUrl: ['https://a/x.png', 'https://a/y.png'],
      statusCallback: 'https://hub/cb',
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      accountSid: SID,
      to: TO,
      from: FROM,
      body: 'Olá',
      status: 'queued',
      direction: 'outbound-api',
      numMedia: '2',
      errorCode: null,
      apiVersion: '2010-04-01',
      uri: `/2010-04-01/Accounts/${SID}/Messages/${message.sid}.json`,
    });
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(fake.sentMessages()).toEqual([
      expect.objectContaining({
        sid: message.sid,
        to: TO,
        from: FROM,
        body: 'Olá',
        mediaUrls: ['https://a/x.png', 'https://a/y.png'],
        statusCallback: 'https://hub/cb',
        status: 'queued',
      }),
    ]);
    const [req] = fake.requests();
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('makes the SDK throw RestException 20003 for a wrong token', async () => {
    const error = await failure(client('wrong').messages.create({ to: TO, from: FROM, body: 'Olá' }));
    expect(error).toMatchObject({
      status: 401,
      code: 20003,
      message: 'Authenticate',
      moreInfo: 'https://www.twilio.com/docs/errors/20003',
    });
    expect(fake.sentMessages()).toEqual([]);
    expect((await failure(client('wrong').api.v2010.accounts(SID).fetch())).code).toBe(20003);
  });

  it('serves the account resource for a credentials check', async () => {
    const account = await client().api.v2010.accounts(SID).fetch();
    expect(account).toMatchObject({ sid: SID, status: 'active', type: 'Full', ownerAccountSid: SID });
    const other = await failure(
      client()
        .api.v2010.accounts('AC' + 'f'.repeat(32))
        .fetch(),
    );
    expect(other).toMatchObject({ status: 404, code: 20404 });
  });

  it('sends templates by ContentSid and through a Messaging Service', async () => {
    const template = await client().messages.create({
      to: TO,
      from: FROM,
      contentSid: 'HX' + 'a'.repeat(32),
      contentVariables: JSON.stringify({ 1: 'Maria', 2: '15h' }),
    });
    expect(template.status).toBe('queued');
    expect(fake.sentMessages()[0].contentVariables).toEqual({ 1: 'Maria', 2: '15h' });

    const viaService = await client().messages.create({
      to: TO,
      messagingServiceSid: 'MG' + 'b'.repeat(32),
      body: 'oi',
    });
    expect(viaService).toMatchObject({
      status: 'accepted',
      from: null,
      messagingServiceSid: 'MG' + 'b'.repeat(32),
    });
  });

  it.each([
    ['invalid ContentVariables', { contentSid: 'HX1', contentVariables: '{"1":' }, 21656],
    ['ContentVariables not an object', { contentSid: 'HX1', contentVariables: '["Maria"]' }, 21656],
    ['no body, content or media', {}, 21619],
    ['a malformed To', { to: 'whatsapp:+55abc', body: 'x' }, 21211],
    ['mixed channels', { to: '+5511999999999', body: 'x' }, 21910],
  ])('rejects %s', async (_label, extra: Record<string, string>, code) => {
    const error = await failure(client().messages.create({ to: TO, from: FROM, ...extra }));
    expect(error).toMatchObject({
      status: 400,
      code,
      moreInfo: `https://www.twilio.com/docs/errors/${code}`,
    });
  });

  it('requires To and a sender', async () => {
    expect((await rawCreate({ From: FROM, Body: 'x' })).json).toMatchObject({ code: 21604, status: 400 });
    expect((await rawCreate({ To: TO, Body: 'x' })).json).toMatchObject({ code: 21603, status: 400 });
  });

  it('fails one recipient permanently, with or without the channel prefix', async () => {
    fake.permanentFailureFor('+5511988887777', 21211);
    fake.permanentFailureFor(TO, 63016);
    const invalid = await failure(
      client().messages.create({ to: 'whatsapp:+5511988887777', from: FROM, body: 'x' }),
    );
    expect(invalid).toMatchObject({
      status: 400,
      code: 21211,
      message: expect.stringContaining('+5511988887777'),
    });
    const window = await failure(client().messages.create({ to: TO, from: FROM, body: 'x' }));
    expect(window).toMatchObject({
      code: 63016,
      message: expect.stringContaining('outside the allowed window'),
    });
    expect(fake.sentMessages()).toEqual([]);
  });

  it('fails with the base kit (5xx) and forgets knobs on reset', async () => {
    fake.failNext(1, { status: 503, body: { code: 20500, message: 'Internal Server Error', status: 503 } });
    expect(await failure(client().messages.create({ to: TO, from: FROM, body: 'x' }))).toMatchObject({
      status: 503,
      code: 20500,
    });
    fake.permanentFailureFor(TO, 21211);
    fake.reset();
    expect((await client().messages.create({ to: TO, from: FROM, body: 'x' })).status).toBe('queued');
  });
});

describe('FakeTwilio webhooks', () => {
  const url = () => `${sink.url}/webhooks/twilio/status?account=main`;

  it('sends a signed WhatsApp status callback and updates the fetched resource', async () => {
    const { sid } = await client().messages.create({ to: TO, from: FROM, body: 'Olá' });
    expect(await fake.sendStatus(url(), sid, 'delivered')).toBe(200);

    const [req] = await sink.waitForRequests(1);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(twilio.validateRequest(TOKEN, req.headers['x-twilio-signature'], url(), req.body)).toBe(true);
    expect(twilio.validateRequest('other', req.headers['x-twilio-signature'], url(), req.body)).toBe(false);
    expect(req.body).toEqual({
      SmsSid: sid,
      SmsStatus: 'delivered',
      MessageStatus: 'delivered',
      EventType: 'DELIVERED',
      To: TO,
      From: FROM,
      MessageSid: sid,
      AccountSid: SID,
      ApiVersion: '2010-04-01',
      ChannelToAddress: '+5511999999999',
      ChannelPrefix: 'whatsapp',
      ChannelInstallSid: expect.stringMatching(/^XE[0-9a-f]{32}$/),
      StructuredMessage: 'false',
    });
    expect((await client().messages(sid).fetch()).status).toBe('delivered');
  });

  it('adds ErrorCode to failures, supports SMS and unknown sids, and returns the answer', async () => {
    sink.status = 403;
    const status = await fake.sendStatus(url(), 'SM' + '0'.repeat(32), 'undelivered', {
      errorCode: '63016',
      to: '+5511999999999',
      from: '+14155238886',
    });
    expect(status).toBe(403);
    const [req] = await sink.waitForRequests(1);
    expect(twilio.validateRequest(TOKEN, req.headers['x-twilio-signature'], url(), req.body)).toBe(true);
    expect(req.body).toMatchObject({
      MessageStatus: 'undelivered',
      ErrorCode: '63016',
      To: '+5511999999999',
    });
    expect(req.body.ChannelPrefix).toBeUndefined();
    await expect(fake.sendStatus(url(), 'SMunknown', 'sent')).rejects.toThrow('opts.to');
  });

  it('sends a signed inbound WhatsApp message', async () => {
    const inboundUrl = `${sink.url}/webhooks/twilio/inbound`;
    const { status, sid } = await fake.sendInbound(inboundUrl, { from: TO, body: 'Olá, tudo bem?' });
    expect(status).toBe(200);
    const [req] = await sink.waitForRequests(1);
    expect(twilio.validateRequest(TOKEN, req.headers['x-twilio-signature'], inboundUrl, req.body)).toBe(true);
    expect(req.body).toMatchObject({
      MessageSid: sid,
      From: TO,
      To: FROM,
      Body: 'Olá, tudo bem?',
      WaId: '5511999999999',
      SmsStatus: 'received',
    });
  });
});
