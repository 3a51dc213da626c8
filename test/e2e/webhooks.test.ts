import { SourcesService } from '../../src/events/sources/sources.service';
import { RequestLane } from '../../src/platform/database/request-lane';
import { EventRecord } from '../../src/events/store/event.entity';
import { DataSource, Repository } from 'typeorm';
import { Source } from '../../src/events/sources/source.entity';
import { EventProbe, EventProbeModule } from '../support/event-probe.module';
import { waitFor } from '../support/private-redis';
import { rawRequest } from '../support/raw-http';
import { form, metaTextMessage, sign } from '../support/signers';
import { startTestApp, TestApp } from '../support/test-app';

const SECRETS = {
  meta: { appSecret: 'meta-app-secret-123', verifyToken: 'verify-me' },
  twilio: { authToken: 'twilio-auth-token-123' },
  zapi: { token: 'zapi-url-token-123' },
  waha: { hmacKey: 'waha-hmac-key-123' },
  bitrix24: { applicationToken: 'bitrix-app-token-123' },
  standard: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
};

describe('inbound webhooks', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp({ imports: [EventProbeModule], env: { PUBLIC_URL: 'https://ponte.example.com' } });
    db = t.app.get(DataSource);
    for (const [kind, config] of Object.entries(SECRETS)) {
      const res = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: kind, slug: `src-${kind}`, kind, config });
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(new RegExp(`^https://ponte.example.com/webhooks/src-${kind}`));
      expect(JSON.stringify(res.body.config)).not.toContain(Object.values(config)[0]);
    }
  });
  afterAll(() => t.close());
  beforeEach(() => EventProbe.reset());

  const count = () => db.getRepository(EventRecord).count();
  const post = (slug: string, body: string, headers: Record<string, string>) =>
    t.http().post(`/webhooks/${slug}`).set(headers).send(body);
  const processed = (type: string) =>
    waitFor(
      async () => {
        const rows = await db.getRepository(EventRecord).find({ where: { type }, order: { id: 'DESC' } });
        return rows[0]?.status === 'processed' ? rows[0] : undefined;
      },
      10_000,
      `a processed ${type}`,
    );

  it('meta: a signed message is stored, normalised and processed; wrong or missing signatures are 401', async () => {
    const body = metaTextMessage({ text: 'Oi' });
    const ok = await post('src-meta', body, {
      'content-type': 'application/json',
      'x-hub-signature-256': sign.meta(SECRETS.meta.appSecret, body),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ received: true });
    const event = await processed('whatsapp.message.received');
    expect(event.data).toMatchObject({
      provider: 'meta',
      from: '5531992953088',
      kind: 'text',
      text: 'Oi',
      contactName: 'Maria Souza',
    });

    const before = await count();
    const bad = await post('src-meta', body, {
      'content-type': 'application/json',
      'x-hub-signature-256': sign.meta('wrong', body),
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('SIGNATURE_INVALID');
    expect((await post('src-meta', body, { 'content-type': 'application/json' })).status).toBe(401);
    const tampered = body.replace('Oi', 'Oj');
    expect(
      (
        await post('src-meta', tampered, {
          'content-type': 'application/json',
          'x-hub-signature-256': sign.meta(SECRETS.meta.appSecret, body),
        })
      ).status,
    ).toBe(401);
    expect(await count()).toBe(before);

    const source = (await t.http().get('/v1/sources').set(t.auth())).body.data.find(
      (s: { slug: string }) => s.slug === 'src-meta',
    );
    const rejections = await t.http().get(`/v1/sources/${source.id}/rejections`).set(t.auth());
    expect(rejections.body.data.map((r: { reason: string }) => r.reason)).toEqual(
      expect.arrayContaining(['signature_invalid', 'signature_missing']),
    );
    expect(Object.keys(rejections.body.data[0]).sort()).toEqual(['createdAt', 'reason']);
  });

  it('meta: the GET handshake echoes the challenge as text only with the right verify token', async () => {
    const ok = await t
      .http()
      .get('/webhooks/src-meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.text).toBe('1158201444');
    // Meta documents 403 for a failed verification.
    const refused = await t
      .http()
      .get('/webhooks/src-meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body.code).toBe('VERIFY_TOKEN_INVALID');
  });

  it('twilio: signed over PUBLIC_URL + path + sorted params, answered with empty TwiML', async () => {
    const params = {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      From: 'whatsapp:+5531992953088',
      To: 'whatsapp:+14155238886',
      Body: 'Olá',
      NumMedia: '0',
      ProfileName: 'Maria',
    };
    const signature = sign.twilio(
      SECRETS.twilio.authToken,
      'https://ponte.example.com/webhooks/src-twilio',
      params,
    );
    const ok = await post('src-twilio', form(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/xml/);
    expect(ok.text).toMatch(/<Response\/>/);
    const event = await processed('whatsapp.message.received');
    expect(event.data).toMatchObject({ provider: 'twilio', from: '5531992953088', text: 'Olá' });
    const forged = await post('src-twilio', form({ ...params, Body: 'changed' }), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
    expect(forged.status).toBe(401);
  });

  it('zapi: the URL token is compared; a wrong one is 401', async () => {
    const body = JSON.stringify({
      type: 'ReceivedCallback',
      phone: '553192953088',
      messageId: '3EB0C767D097B7C7C030',
      fromMe: false,
      momment: Date.now(),
      senderName: 'Maria',
      text: { message: 'Bom dia' },
      instanceId: 'INST',
    });
    expect(
      (await post('src-zapi?token=zapi-url-token-123', body, { 'content-type': 'application/json' })).status,
    ).toBe(200);
    const event = await processed('whatsapp.message.received');
    expect(event.data).toMatchObject({ provider: 'zapi', text: 'Bom dia' });
    const wrong = await post('src-zapi?token=nope', body, { 'content-type': 'application/json' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('SIGNATURE_INVALID');
    expect((await post('src-zapi', body, { 'content-type': 'application/json' })).status).toBe(401);
  });

  it('waha: HMAC-SHA512 of the raw body', async () => {
    const body = JSON.stringify({
      event: 'message',
      session: 'default',
      payload: {
        id: 'false_5531992953088@c.us_AAA',
        from: '5531992953088@c.us',
        to: '5531999999999@c.us',
        body: 'Tudo bem?',
        fromMe: false,
        hasMedia: false,
        timestamp: Math.floor(Date.now() / 1000),
      },
    });
    expect(
      (
        await post('src-waha', body, {
          'content-type': 'application/json',
          'x-webhook-hmac': sign.waha(SECRETS.waha.hmacKey, body),
          'x-webhook-hmac-algorithm': 'sha512',
        })
      ).status,
    ).toBe(200);
    expect((await processed('whatsapp.message.received')).data).toMatchObject({
      provider: 'waha',
      from: '5531992953088',
    });
    expect(
      (
        await post('src-waha', body, {
          'content-type': 'application/json',
          'x-webhook-hmac': sign.waha('x', body),
        })
      ).status,
    ).toBe(401);
  });

  it('bitrix24: the application token inside the form body', async () => {
    const body =
      'event=ONIMCONNECTORMESSAGEADD&data%5BCONNECTOR%5D=ponte&data%5BLINE%5D=1&data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bchat_id%5D=12&data%5BMESSAGES%5D%5B0%5D%5Bim%5D%5Bmessage_id%5D=345&data%5BMESSAGES%5D%5B0%5D%5Bmessage%5D%5Btext%5D=Ol%C3%A1&data%5BMESSAGES%5D%5B0%5D%5Bchat%5D%5Bid%5D=5531992953088&auth%5Bdomain%5D=acme.bitrix24.com.br&auth%5Bapplication_token%5D=bitrix-app-token-123&auth%5Bmember_id%5D=m1';
    expect(
      (await post('src-bitrix24', body, { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(200);
    const event = await processed('crm.message.outbound');
    expect(JSON.stringify(event.data)).not.toContain('bitrix-app-token-123');
    const wrong = body.replace('bitrix-app-token-123', 'other');
    expect(
      (await post('src-bitrix24', wrong, { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(401);
  });

  it('standard: signature and timestamp tolerance; the payload type becomes the event type', async () => {
    const body = JSON.stringify({
      type: 'lead.created',
      timestamp: new Date().toISOString(),
      data: { name: 'Ana', utm_campaign: 'bf' },
    });
    const ok = await post('src-standard', body, {
      'content-type': 'application/json',
      ...sign.standard(SECRETS.standard.secret, body),
    });
    expect(ok.status).toBe(200);
    expect((await processed('lead.created')).data).toEqual({ name: 'Ana', utm_campaign: 'bf' });
    const stale = await post('src-standard', body, {
      'content-type': 'application/json',
      ...sign.standard(SECRETS.standard.secret, body, new Date(Date.now() - 6 * 60_000)),
    });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const wrong = await post('src-standard', body, {
      'content-type': 'application/json',
      ...sign.standard('whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB', body),
    });
    expect(wrong.body.code).toBe('SIGNATURE_INVALID');
  });

  it('keeps rejections 30 days', async () => {
    await post('src-meta', '{}', { 'content-type': 'application/json' }); // unsigned: one more rejection
    await new Promise((r) => setTimeout(r, 100)); // recorded off the request path
    t.clock.advance(29 * 24 * 3600 * 1000);
    try {
      expect((await t.app.get(SourcesService).purgeRejections()).deleted).toBe(0); // within 30 days
      t.clock.advance(2 * 24 * 3600 * 1000);
      expect((await t.app.get(SourcesService).purgeRejections()).deleted).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.reset();
    }
  });

  it('reads a source once for the webhooks that arrive together after its cached copy expired', async () => {
    const sources = t.app.get(SourcesService);
    t.clock.advance(60_000); // every cached copy has expired
    const lane = jest.spyOn(t.app.get(RequestLane), 'query');
    const reads = () => lane.mock.calls.filter(([text]) => text.includes('FROM sources')).length;
    try {
      const found = await Promise.all(Array.from({ length: 20 }, () => sources.resolve('src-meta')));
      expect(new Set(found.map((f) => f?.id)).size).toBe(1);
      expect(reads()).toBe(1);
    } finally {
      lane.mockRestore();
      t.clock.reset();
    }
  });

  it("keeps the status callback URL each send asks for, and forgets it when the workspace's sources change", async () => {
    const sources = t.app.get(SourcesService);
    const [{ id, workspace_id: ws }]: Array<{ id: string; workspace_id: string }> = await db.query(
      `SELECT id, workspace_id FROM sources WHERE slug = 'src-twilio'`,
    );
    const repo = (sources as unknown as { sources: Repository<Source> }).sources;
    const reads = jest.spyOn(repo, 'findOne');
    const enabled = (on: boolean) =>
      t.http().patch(`/v1/sources/${id}`).set(t.auth()).send({ enabled: on }).expect(200);
    try {
      const url = 'https://ponte.example.com/webhooks/src-twilio';
      expect(await sources.callbackUrl(ws, 'twilio')).toBe(url);
      expect(await sources.callbackUrl(ws, 'twilio')).toBe(url);
      expect(reads).toHaveBeenCalledTimes(1);
      await enabled(false);
      expect(await sources.callbackUrl(ws, 'twilio')).toBeUndefined(); // at once on this instance
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
      await enabled(true);
    }
  });

  it('answers 404 SOURCE_NOT_FOUND for an unknown slug', async () => {
    const res = await post('no-such-source', '{}', { 'content-type': 'application/json' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('SOURCE_NOT_FOUND');
  });

  it('stores and processes one event when 50 copies of a message arrive at once', async () => {
    const body = metaTextMessage({ id: 'wamid.CONCURRENT-1' });
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': sign.meta(SECRETS.meta.appSecret, body),
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => post('src-meta', body, headers)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.duplicate !== true)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(49);
    const rows = await db.getRepository(EventRecord).findBy({ dedupeKey: 'msg:wamid.CONCURRENT-1' });
    expect(rows).toHaveLength(1);
    await waitFor(
      async () => (await db.getRepository(EventRecord).findOneBy({ id: rows[0].id }))?.status === 'processed',
      10_000,
      'processed',
    );
    expect(EventProbe.calls.get(rows[0].id)).toBe(1);
  });

  it('bad input gets 4xx problem+json, never 5xx', async () => {
    const meta = (body: string | Buffer, type = 'application/json') =>
      rawRequest(t.app.getHttpServer(), {
        path: '/webhooks/src-meta',
        headers: { 'content-type': type },
        body,
      });
    const cases = await Promise.all([
      meta('{"entry": ['),
      meta(Buffer.alloc(2 * 1024 * 1024, 0x61)),
      meta('a=1&b=2', 'application/x-www-form-urlencoded'),
      meta('['.repeat(5000) + ']'.repeat(5000)),
      meta(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      meta('<xml/>', 'application/xml'),
    ]);
    expect(cases.map((c) => c.status)).toEqual([400, 413, 415, 400, 400, 415]);
    for (const c of cases) expect(c.headers['content-type']).toMatch(/problem\+json/);
  });
});
