import { createHmac } from 'node:crypto';
import { ProblemException } from '../../../platform/http/problem';
import type { NormaliseInput } from '../../normalisers/canonical-event';
import { normalise } from '../../normalisers/normalise';
import type { InboundRequest } from '../../verification/inbound-request';
import { verifyWebhook } from '../../verification/verify';
import type { SourceConfig } from '../source-kind';
import { JsonSource } from './json.source';

const KIND = new JsonSource();
const BODY = Buffer.from('{"kind":"lead","status":"new","id":"L-1","name":"Ana"}');
const CTX = { publicUrl: 'https://ponte.test', now: new Date('2026-12-03T12:00:00Z') };

function request(
  headers: InboundRequest['headers'],
  overrides: Partial<InboundRequest> = {},
): InboundRequest {
  return {
    method: 'POST',
    url: '/webhooks/site',
    headers,
    query: {},
    rawBody: BODY,
    contentType: 'application/json',
    ...overrides,
  };
}
const verify = (config: SourceConfig, req: InboundRequest) => verifyWebhook(KIND, config, req, CTX);
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('json source: verification', () => {
  const header = {
    auth: 'header',
    headerName: 'X-Api-Token',
    token: 'tok-123456',
    eventType: 'lead.created',
  };

  it('header token: the exact token passes; another, a repeated or a missing header is refused', () => {
    expect(verify(header, request({ 'x-api-token': 'tok-123456' }))).toEqual({ ok: true });
    expect(verify(header, request({ 'x-api-token': 'tok-123457' }))).toEqual({
      ok: false,
      reason: 'token_invalid',
    });
    expect(verify(header, request({ 'x-api-token': 'tok-12345' }))).toEqual({
      ok: false,
      reason: 'token_invalid',
    });
    expect(verify(header, request({ 'x-api-token': ['tok-123456', 'x'] }))).toEqual({
      ok: false,
      reason: 'token_invalid',
    });
    expect(verify(header, request({}))).toEqual({ ok: false, reason: 'signature_missing' });
  });

  it('a non-JSON content type is refused before any credential is looked at', () => {
    const req = request(
      { 'x-api-token': 'tok-123456' },
      { contentType: 'application/x-www-form-urlencoded' },
    );
    expect(verify(header, req)).toEqual({ ok: false, reason: 'content_type' });
  });

  it('HTTP Basic: the right pair passes; a wrong user, a wrong password or a malformed header is refused', () => {
    const config = { auth: 'basic', username: 'site', password: 'p:ss w0rd', eventType: 'lead.created' };
    expect(verify(config, request({ authorization: basic('site', 'p:ss w0rd') }))).toEqual({ ok: true });
    expect(verify(config, request({ authorization: basic('site', 'p:ss w0rD') })).ok).toBe(false);
    expect(verify(config, request({ authorization: basic('Site', 'p:ss w0rd') })).ok).toBe(false);
    expect(verify(config, request({ authorization: 'Bearer abc' })).ok).toBe(false);
    expect(verify(config, request({ authorization: 'Basic !!!' })).ok).toBe(false);
    expect(verify(config, request({}))).toEqual({ ok: false, reason: 'signature_missing' });
  });

  it.each([
    ['sha256', 'hex', 'sha256='],
    ['sha1', 'hex', ''],
    ['sha512', 'base64', ''],
    ['sha256', 'base64', 'v1='],
  ])(
    'HMAC %s %s prefix "%s": over the raw body; a changed byte or a missing prefix is refused',
    (algorithm, encoding, prefix) => {
      const config = {
        auth: 'hmac',
        headerName: 'X-Signature',
        secret: 'k3y',
        algorithm,
        encoding,
        prefix,
        eventType: 'a.b',
      };
      const digest = createHmac(algorithm, 'k3y')
        .update(BODY)
        .digest(encoding as 'hex' | 'base64');
      expect(verify(config, request({ 'x-signature': `${prefix}${digest}` }))).toEqual({ ok: true });
      if (encoding === 'hex')
        expect(verify(config, request({ 'x-signature': `${prefix}${digest.toUpperCase()}` })).ok).toBe(true);
      const tampered = Buffer.from(BODY.toString().replace('Ana', 'Ane'));
      expect(verify(config, request({ 'x-signature': `${prefix}${digest}` }, { rawBody: tampered })).ok).toBe(
        false,
      );
      if (prefix) expect(verify(config, request({ 'x-signature': digest })).ok).toBe(false);
      expect(verify(config, request({}))).toEqual({ ok: false, reason: 'signature_missing' });
    },
  );

  it('HMAC defaults to sha256 in hex with no prefix', () => {
    const config = { auth: 'hmac', headerName: 'X-Hub', secret: 's', eventType: 'a.b' };
    const digest = createHmac('sha256', 's').update(BODY).digest('hex');
    expect(verify(config, request({ 'x-hub': digest })).ok).toBe(true);
  });

  it('fails closed on a config missing its mode or its secret', () => {
    expect(verify({}, request({ 'x-api-token': 'tok' })).ok).toBe(false);
    expect(verify({ auth: 'header', headerName: 'X-Api-Token' }, request({ 'x-api-token': 'tok' })).ok).toBe(
      false,
    );
    expect(verify({ auth: 'hmac', headerName: 'X-S' }, request({ 'x-s': 'abc' })).ok).toBe(false);
    expect(verify({ auth: 'basic' }, request({ authorization: basic('', '') })).ok).toBe(false);
  });
});

describe('json source: config rules', () => {
  const code = (config: SourceConfig) => {
    try {
      KIND.checkConfig(config);
      return 'ok';
    } catch (err) {
      return (err as ProblemException).code;
    }
  };

  it('accepts each mode with its keys', () => {
    expect(code({ auth: 'header', headerName: 'X-Token', token: 't', eventType: 'lead.created' })).toBe('ok');
    expect(
      code({ auth: 'basic', username: 'u', password: 'p', eventTypeExpression: '"lead." & status' }),
    ).toBe('ok');
    expect(
      code({
        auth: 'hmac',
        headerName: 'X-Sig',
        secret: 's',
        algorithm: 'sha512',
        encoding: 'base64',
        eventType: 'a.b',
        idExpression: 'id',
      }),
    ).toBe('ok');
  });

  it.each([
    [{ auth: 'oauth', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
    [{ auth: 'header', token: 't', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
    [{ auth: 'header', headerName: 'X Token', token: 't', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
    [{ auth: 'basic', username: 'u', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
    [{ auth: 'basic', username: 'a:b', password: 'p', eventType: 'a.b' }, 'JSON_SOURCE_AUTH_INVALID'],
    [
      { auth: 'hmac', headerName: 'X-S', secret: 's', algorithm: 'md5', eventType: 'a.b' },
      'JSON_SOURCE_AUTH_INVALID',
    ],
    [
      { auth: 'hmac', headerName: 'X-S', secret: 's', encoding: 'base32', eventType: 'a.b' },
      'JSON_SOURCE_AUTH_INVALID',
    ],
    [{ auth: 'header', headerName: 'X-T', token: 't' }, 'JSON_SOURCE_EVENT_TYPE_INVALID'],
    [
      { auth: 'header', headerName: 'X-T', token: 't', eventType: 'Lead Created' },
      'JSON_SOURCE_EVENT_TYPE_INVALID',
    ],
    [
      { auth: 'header', headerName: 'X-T', token: 't', eventType: 'a.b', eventTypeExpression: 'type' },
      'JSON_SOURCE_EVENT_TYPE_INVALID',
    ],
    [
      { auth: 'header', headerName: 'X-T', token: 't', eventTypeExpression: '"a." &' },
      'JSON_SOURCE_EXPRESSION_INVALID',
    ],
    [
      { auth: 'header', headerName: 'X-T', token: 't', eventType: 'a.b', idExpression: '$$$(' },
      'JSON_SOURCE_EXPRESSION_INVALID',
    ],
  ])('refuses %j with %s', (config, expected) => {
    expect(code(config as SourceConfig)).toBe(expected);
  });
});

describe('json source: normalising', () => {
  const input = (body: unknown, raw = BODY): NormaliseInput => ({
    kind: 'json',
    body,
    rawBody: raw,
    headers: {},
    receivedAt: new Date('2026-12-03T12:00:00Z'),
  });
  const run = async (config: SourceConfig, body: unknown, raw = BODY) => {
    const i = input(body, raw);
    i.prepared = await KIND.prepare(config, i);
    return normalise(i, KIND);
  };
  const body = JSON.parse(BODY.toString()) as Record<string, unknown>;

  it('the type from the expression and the id from the id expression', async () => {
    const [e] = await run(
      { eventTypeExpression: 'kind & "." & ($exists(id) ? "created" : "x")', idExpression: 'id' },
      body,
    );
    expect(e).toMatchObject({ type: 'lead.created', dedupeKey: 'json:L-1', data: body });
  });

  it('a fixed type; no id expression → the key is the SHA-256 of the raw body', async () => {
    const [a] = await run({ eventType: 'site.lead' }, body);
    const [b] = await run({ eventType: 'site.lead' }, body, Buffer.from(`${BODY.toString()} `));
    expect(a.type).toBe('site.lead');
    expect(a.dedupeKey).toMatch(/^raw:[0-9a-f]{64}$/);
    expect(b.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('an expression failing, giving nothing or a non-type → json.received, still one stored event', async () => {
    for (const expr of ['$error("boom")', 'missing.field', '"Not A Type"', '{"a": 1}']) {
      const events = await run({ eventTypeExpression: expr, idExpression: '$error("x")' }, body);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'json.received', data: body });
      expect(events[0].dedupeKey).toMatch(/^raw:/);
    }
  });

  it('a body that is not an object is kept under payload; a numeric id is a key', async () => {
    const [e] = await run({ eventType: 'a.b', idExpression: '$[0]' }, [7, 8]);
    expect(e).toMatchObject({ type: 'a.b', dedupeKey: 'json:7', data: { payload: [7, 8] } });
  });
});
