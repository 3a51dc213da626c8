import { createHmac } from 'node:crypto';
import type { SourceConfig } from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { MetaSource } from './meta.source';
import { answerHandshake, verifyWebhook } from '../../../events/verification/verify';

/** Each kind's config under its name, as the tests were first written. */
type SourceSecrets = Record<string, SourceConfig | undefined>;
const KIND = new MetaSource();
const metaHandshake = (secrets: SourceSecrets, query: InboundRequest['query']) =>
  answerHandshake(KIND, secrets.meta ?? {}, query);

// Test vector from reference/providers.md (top of file, §1.3).
const APP_SECRET = 'app-secret';
const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const SIGNATURE = 'sha256=d3e4f9da0ce6c71ab3dba55929b8eeeee2455349e534924ead19f98d143e904f';

const secrets: SourceSecrets = { meta: { appSecret: APP_SECRET, verifyToken: 'verify-me' } };
const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };

function request(overrides: Partial<InboundRequest> = {}): InboundRequest {
  return {
    method: 'POST',
    url: '/webhooks/meta',
    headers: { 'x-hub-signature-256': SIGNATURE },
    query: {},
    rawBody: BODY,
    contentType: 'application/json',
    ...overrides,
  };
}

const verify = (req: InboundRequest, config: SourceSecrets = secrets) =>
  verifyWebhook(KIND, config.meta ?? {}, req, ctx);

describe('meta verifier', () => {
  it('accepts the reference test vector', () => {
    expect(verify(request())).toEqual({ ok: true });
  });

  it('accepts an upper-case hex digest', () => {
    const upper = `sha256=${SIGNATURE.slice('sha256='.length).toUpperCase()}`;
    expect(verify(request({ headers: { 'x-hub-signature-256': upper } }))).toEqual({ ok: true });
  });

  it('rejects a wrong signature', () => {
    const wrong = `sha256=${'0'.repeat(64)}`;
    expect(verify(request({ headers: { 'x-hub-signature-256': wrong } }))).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it('rejects a missing or empty header as signature_missing', () => {
    expect(verify(request({ headers: {} }))).toEqual({ ok: false, reason: 'signature_missing' });
    expect(verify(request({ headers: { 'x-hub-signature-256': '' } }))).toEqual({
      ok: false,
      reason: 'signature_missing',
    });
  });

  it('rejects a body tampered by one byte', () => {
    const tampered = Buffer.from(BODY);
    tampered[tampered.length - 3] ^= 0x01;
    expect(verify(request({ rawBody: tampered }))).toEqual({ ok: false, reason: 'signature_invalid' });
  });

  it('rejects a signature made with another secret', () => {
    const other = createHmac('sha256', 'another-secret').update(BODY).digest('hex');
    expect(verify(request({ headers: { 'x-hub-signature-256': `sha256=${other}` } }))).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
    expect(verify(request(), { meta: { appSecret: 'another-secret', verifyToken: 'v' } })).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it('rejects the legacy sha1 header, a repeated header and garbage', () => {
    const sha1 = `sha1=${createHmac('sha1', APP_SECRET).update(BODY).digest('hex')}`;
    for (const header of [sha1, [SIGNATURE, SIGNATURE], 'sha256=', 'd3e4f9da', 'sha256=zz']) {
      expect(verify(request({ headers: { 'x-hub-signature-256': header } }))).toEqual({
        ok: false,
        reason: 'signature_invalid',
      });
    }
  });

  it('fails closed without an app secret', () => {
    expect(verify(request(), {})).toEqual({ ok: false, reason: 'signature_invalid' });
    expect(verify(request(), { meta: { appSecret: '', verifyToken: 'v' } })).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it('rejects a body that is not JSON with content_type', () => {
    expect(verify(request({ contentType: 'text/plain' }))).toEqual({ ok: false, reason: 'content_type' });
    expect(verify(request({ contentType: '' }))).toEqual({ ok: false, reason: 'content_type' });
  });

  it('answers 415 to a body of the wrong type, signed or not (the media type is no secret)', () => {
    expect(verify(request({ headers: {}, contentType: 'application/x-www-form-urlencoded' }))).toEqual({
      ok: false,
      reason: 'content_type',
    });
  });
});

describe('meta handshake', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' };

  it('echoes the challenge for the right token and mode', () => {
    expect(metaHandshake(secrets, query)).toBe('1158201444');
  });

  it('refuses a wrong, missing or repeated verify token', () => {
    expect(metaHandshake(secrets, { ...query, 'hub.verify_token': 'verify-mf' })).toBeUndefined();
    expect(metaHandshake(secrets, { ...query, 'hub.verify_token': undefined })).toBeUndefined();
    expect(metaHandshake(secrets, { ...query, 'hub.verify_token': ['verify-me', 'x'] })).toBeUndefined();
  });

  it('refuses a wrong mode', () => {
    expect(metaHandshake(secrets, { ...query, 'hub.mode': 'unsubscribe' })).toBeUndefined();
    expect(metaHandshake(secrets, { ...query, 'hub.mode': undefined })).toBeUndefined();
  });

  it('refuses when no challenge is given or no verify token is configured', () => {
    expect(metaHandshake(secrets, { ...query, 'hub.challenge': undefined })).toBeUndefined();
    expect(metaHandshake({}, query)).toBeUndefined();
    expect(
      metaHandshake({ meta: { appSecret: 'a', verifyToken: '' } }, { ...query, 'hub.verify_token': '' }),
    ).toBe(undefined);
  });
});
