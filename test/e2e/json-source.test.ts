import { createHmac } from 'node:crypto';
import { waitFor } from '../support/private-redis';
import { rawRequest } from '../support/raw-http';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

const HMAC = {
  auth: 'hmac',
  headerName: 'X-Site-Signature',
  secret: 'site-hmac-key-123',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  eventTypeExpression: '"lead." & ($exists(status) ? status : "created")',
  idExpression: 'lead.id',
};
const signed = (body: string, secret = HMAC.secret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('json source kind: systems that cannot sign Standard Webhooks', () => {
  let t: TestApp;
  let ws: Awaited<ReturnType<typeof workspaceHarness>>;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await workspaceHarness(t);
  });
  afterAll(() => t.close());

  const source = async (config: object) => {
    const res = await ws.post('/v1/sources', { name: 'site', kind: 'json', config });
    expect(res.status).toBe(201);
    return res.body as { id: string; slug: string; config: Record<string, string> };
  };
  const post = (slug: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(t.app.getHttpServer(), {
      path: `/webhooks/${slug}`,
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const events = async (type: string) =>
    ((await ws.get(`/v1/events?type=${type}`)).body.data as Array<{
      id: string;
      status: string;
      data: any;
    }>) ?? [];
  const rejections = async (id: string) =>
    ((await ws.get(`/v1/sources/${id}/rejections`)).body.data as Array<{ reason: string }>).map(
      (r) => r.reason,
    );

  it('HMAC header + JSONata type: the event is stored and starts a workflow; the id expression dedupes', async () => {
    const wf = await ws.post('/v1/workflows', {
      key: 'site-lead',
      name: 'Site lead',
      trigger: { event: 'lead.qualified' },
      steps: [{ id: 'tell', type: 'emit', event: 'site.lead.seen', data: '{"name": event.data.lead.name}' }],
    });
    expect(wf.status).toBe(201);
    const src = await source(HMAC);
    expect(JSON.stringify(src.config)).not.toContain(HMAC.secret);

    const body = JSON.stringify({ status: 'qualified', lead: { id: 'L-77', name: 'Ana Lima' } });
    const ok = await post(src.slug, body, { 'x-site-signature': signed(body) });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ received: true });

    const [event] = await waitFor(
      async () => {
        const list = await events('lead.qualified');
        return list.length === 1 && list[0].status === 'processed' && list;
      },
      10_000,
      'the processed lead.qualified',
    );
    expect(event.data).toEqual({ status: 'qualified', lead: { id: 'L-77', name: 'Ana Lima' } });
    const [exec] = await waitFor(
      async () => {
        const list = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data as any[];
        return list.length === 1 && list[0].status === 'succeeded' && list;
      },
      10_000,
      'the workflow run',
    );
    expect(exec.triggerEventId).toBe(event.id);
    const seen = await waitFor(async () => (await events('site.lead.seen'))[0], 10_000, 'the emitted event');
    expect(seen.data).toEqual({ name: 'Ana Lima' });

    // Same lead id, other bytes (a resend with a new field): a duplicate, not processed again.
    const again = JSON.stringify({ status: 'qualified', lead: { id: 'L-77', name: 'Ana Lima' }, retry: 1 });
    const dup = await post(src.slug, again, { 'x-site-signature': signed(again) });
    expect(dup.status).toBe(200);
    expect(dup.body).toEqual({ received: true, duplicate: true });
    expect(await events('lead.qualified')).toHaveLength(1);

    // A wrong signature, one over other bytes, a missing header: 401, recorded without the payload.
    const forged = await post(src.slug, body, { 'x-site-signature': signed(body, 'other-key') });
    const tampered = await post(src.slug, body.replace('Ana', 'Ane'), { 'x-site-signature': signed(body) });
    const missing = await post(src.slug, body);
    expect([forged.status, tampered.status, missing.status]).toEqual([401, 401, 401]);
    expect(forged.body.code).toBe('SIGNATURE_INVALID');
    expect(forged.headers['content-type']).toMatch(/problem\+json/);
    await waitFor(async () => (await rejections(src.id)).length === 3, 5000, 'three rejections');
    expect((await rejections(src.id)).sort()).toEqual([
      'signature_invalid',
      'signature_invalid',
      'signature_missing',
    ]);
  });

  it('a signed body whose type expression fails is still stored, as json.received', async () => {
    const src = await source({
      ...HMAC,
      eventTypeExpression: '$error("no type")',
      idExpression: 'nothing.here',
    });
    const body = JSON.stringify({ hello: 'world' });
    expect((await post(src.slug, body, { 'x-site-signature': signed(body) })).status).toBe(200);
    const stored = await waitFor(async () => (await events('json.received'))[0], 10_000, 'json.received');
    expect(stored.data).toEqual({ hello: 'world' });
  });

  it('header token: accepted with the token, refused (401) without or with another', async () => {
    const src = await source({
      auth: 'header',
      headerName: 'X-Api-Token',
      token: 'tok-site-123456',
      eventType: 'form.submitted',
    });
    const body = '{"form":"contato","email":"a@b.co"}';
    expect((await post(src.slug, body, { 'x-api-token': 'tok-site-123456' })).status).toBe(200);
    const bad = await post(src.slug, body, { 'x-api-token': 'tok-site-123457' });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('SIGNATURE_INVALID');
    expect((await post(src.slug, body)).status).toBe(401);
    await waitFor(async () => (await events('form.submitted')).length === 1, 10_000, 'form.submitted');
    await waitFor(async () => (await rejections(src.id)).length === 2, 5000, 'two rejections');
  });

  it('HTTP Basic: accepted with the pair, refused with a wrong password; with no id expression the body hash dedupes', async () => {
    const src = await source({
      auth: 'basic',
      username: 'erp',
      password: 's3cr3t-pass',
      eventType: 'erp.order',
    });
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`erp:${p}`).toString('base64')}` });
    const body = '{"order":1}';
    expect((await post(src.slug, body, auth('s3cr3t-pass'))).body).toEqual({ received: true });
    expect((await post(src.slug, body, auth('s3cr3t-pass'))).body).toEqual({
      received: true,
      duplicate: true,
    });
    expect((await post(src.slug, '{"order": 1}', auth('s3cr3t-pass'))).body).toEqual({ received: true });
    const wrong = await post(src.slug, body, auth('s3cr3t-pasS'));
    expect(wrong.status).toBe(401);
    await waitFor(async () => (await events('erp.order')).length === 2, 10_000, 'two erp.order');
  });

  it('a config that cannot work is 422 with a stable code; a malformed one 400', async () => {
    const create = (config: object) => ws.post('/v1/sources', { name: 'bad', kind: 'json', config });
    const cases: Array<[object, string]> = [
      [{ auth: 'hmac', headerName: 'X-S', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
      [
        { auth: 'hmac', headerName: 'X-S', secret: 's', algorithm: 'md5', eventType: 'a.b' },
        'JSON_SOURCE_AUTH_INVALID',
      ],
      [{ auth: 'smoke-signals', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
      [{ auth: 'header', headerName: 'X-T', token: 't' }, 'JSON_SOURCE_EVENT_TYPE_INVALID'],
      [
        { auth: 'header', headerName: 'X-T', token: 't', eventType: 'Not a type' },
        'JSON_SOURCE_EVENT_TYPE_INVALID',
      ],
      [
        { auth: 'header', headerName: 'X-T', token: 't', eventTypeExpression: 'type &' },
        'JSON_SOURCE_EXPRESSION_INVALID',
      ],
    ];
    for (const [config, code] of cases) {
      const res = await create(config);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code });
      expect(res.body.errors?.[0]?.field).toMatch(/^config\./);
    }
    const malformed = await create({ auth: 'header', headerName: 'X-T', token: 42, eventType: 'a.b' });
    expect(malformed.status).toBe(400);
    const unknown = await create({
      auth: 'header',
      headerName: 'X-T',
      token: 't',
      eventType: 'a.b',
      colour: 'red',
    });
    expect(unknown.status).toBe(400);

    // An update is checked whole: switching to hmac without a secret is refused, the source unchanged.
    const src = await source({ auth: 'header', headerName: 'X-T', token: 'tok-1', eventType: 'a.b' });
    const patched = await t
      .http()
      .patch(`/v1/sources/${src.id}`)
      .set(t.auth(ws.key))
      .send({ config: { auth: 'hmac' } });
    expect({ status: patched.status, code: patched.body.code }).toEqual({
      status: 422,
      code: 'JSON_SOURCE_AUTH_INVALID',
    });
    expect((await post(src.slug, '{}', { 'x-t': 'tok-1' })).status).toBe(200);
  });

  it('bad input (NUL, huge, non-JSON, deep, not UTF-8, unsigned junk) gets 4xx problem+json, never 5xx', async () => {
    const src = await source(HMAC);
    const nul = JSON.stringify({ status: 'x\u0000y', lead: { id: 'nul\u0000id' } });
    const cases = await Promise.all([
      post(src.slug, nul, { 'x-site-signature': signed(nul) }),
      post(src.slug, Buffer.from([0x7b, 0x00, 0x7d]), { 'x-site-signature': 'sha256=00' }),
      post(src.slug, Buffer.alloc(2 * 1024 * 1024, 0x61), { 'x-site-signature': 'sha256=00' }),
      post(src.slug, 'not json at all', { 'x-site-signature': signed('not json at all') }),
      post(src.slug, 'a=1', {
        'content-type': 'application/x-www-form-urlencoded',
        'x-site-signature': signed('a=1'),
      }),
      post(src.slug, '['.repeat(5000) + ']'.repeat(5000), { 'x-site-signature': 'sha256=00' }),
      post(src.slug, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { 'x-site-signature': 'sha256=00' }),
      post(src.slug, '<xml/>', { 'content-type': 'application/xml' }),
      post(src.slug, '{"a":1}', { 'x-site-signature': 'sha256=' + 'é'.repeat(40) }),
    ]);
    // A signed body with NUL inside strings is well-formed JSON: stored (cleaned), never refused.
    expect(cases.map((c) => c.status)).toEqual([200, 400, 413, 400, 415, 400, 400, 415, 401]);
    for (const c of cases.slice(1)) expect(c.headers['content-type']).toMatch(/problem\+json/);
    const stored = await waitFor(
      async () => (await events('json.received')).find((e) => String(e.data?.lead?.id).startsWith('nul')),
      10_000,
      'the NUL body',
    );
    expect(stored.data.status).toMatch(/^x.?y$/);
  });
});
