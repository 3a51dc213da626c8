import { createHmac } from 'node:crypto';
import type { SourceConfig } from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { WahaSource } from './waha.source';
import { verifyWebhook } from '../../../events/verification/verify';

/** Each kind's config under its name, as the tests were first written. */
type SourceSecrets = Record<string, SourceConfig | undefined>;
const KIND = new WahaSource();

// Test vector from reference/providers.md (top of file, §4.4).
const KEY = 'my-secret-key';
const BODY = Buffer.from('{"event":"message","session":"default","engine":"WEBJS"}');
const HMAC =
  '208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89';

const secrets: SourceSecrets = { waha: { hmacKey: KEY } };
const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };

function request(overrides: Partial<InboundRequest> = {}): InboundRequest {
  return {
    method: 'POST',
    url: '/webhooks/waha',
    headers: { 'x-webhook-hmac': HMAC, 'x-webhook-hmac-algorithm': 'sha512' },
    query: {},
    rawBody: BODY,
    contentType: 'application/json',
    ...overrides,
  };
}

const verify = (req: InboundRequest, config: SourceSecrets = secrets) =>
  verifyWebhook(KIND, config.waha ?? {}, req, ctx);
const invalid = { ok: false, reason: 'signature_invalid' };

describe('waha verifier', () => {
  it('accepts the reference test vector, with or without the algorithm header', () => {
    expect(verify(request())).toEqual({ ok: true });
    expect(verify(request({ headers: { 'x-webhook-hmac': HMAC } }))).toEqual({ ok: true });
    expect(verify(request({ headers: { 'x-webhook-hmac': HMAC.toUpperCase() } }))).toEqual({ ok: true });
  });

  it('rejects a wrong signature', () => {
    expect(verify(request({ headers: { 'x-webhook-hmac': 'f'.repeat(128) } }))).toEqual(invalid);
  });

  it('rejects a missing header as signature_missing', () => {
    expect(verify(request({ headers: { 'x-webhook-hmac-algorithm': 'sha512' } }))).toEqual({
      ok: false,
      reason: 'signature_missing',
    });
  });

  it('rejects a body tampered by one byte', () => {
    const tampered = Buffer.from(BODY);
    tampered[2] ^= 0x01;
    expect(verify(request({ rawBody: tampered }))).toEqual(invalid);
  });

  it('rejects a signature made with another key', () => {
    const other = createHmac('sha512', 'other-key').update(BODY).digest('hex');
    expect(verify(request({ headers: { 'x-webhook-hmac': other } }))).toEqual(invalid);
    expect(verify(request(), { waha: { hmacKey: 'other-key' } })).toEqual(invalid);
  });

  it('refuses any algorithm other than sha512, even with a matching digest', () => {
    const sha256 = createHmac('sha256', KEY).update(BODY).digest('hex');
    const headers = { 'x-webhook-hmac': sha256, 'x-webhook-hmac-algorithm': 'sha256' };
    expect(verify(request({ headers }))).toEqual(invalid);
    expect(
      verify(request({ headers: { 'x-webhook-hmac': HMAC, 'x-webhook-hmac-algorithm': 'sha256' } })),
    ).toEqual(invalid);
  });

  it('rejects repeated headers, garbage and a missing key', () => {
    expect(verify(request({ headers: { 'x-webhook-hmac': [HMAC, HMAC] } }))).toEqual(invalid);
    expect(verify(request({ headers: { 'x-webhook-hmac': 'not-hex' } }))).toEqual(invalid);
    expect(verify(request(), {})).toEqual(invalid);
  });

  it('rejects a body that is not JSON with content_type', () => {
    expect(verify(request({ contentType: 'text/plain' }))).toEqual({ ok: false, reason: 'content_type' });
  });
});
