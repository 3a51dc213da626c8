import type { InboundRequest, SourceKind, SourceSecrets } from './inbound-request';
import { metaHandshake, REJECTION_STATUS, verifyWebhook } from './verify';

const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };
const KINDS: SourceKind[] = ['meta', 'twilio', 'zapi', 'waha', 'bitrix24', 'standard'];

function request(overrides: Partial<InboundRequest> = {}): InboundRequest {
  return {
    method: 'POST',
    url: '/webhooks/acme',
    headers: {},
    query: {},
    rawBody: Buffer.from('{}'),
    contentType: 'application/json',
    ...overrides,
  };
}

describe('verifyWebhook', () => {
  it('maps each rejection to its HTTP answer', () => {
    expect(REJECTION_STATUS).toEqual({
      signature_missing: { status: 401, code: 'SIGNATURE_INVALID' },
      signature_invalid: { status: 401, code: 'SIGNATURE_INVALID' },
      token_invalid: { status: 401, code: 'SIGNATURE_INVALID' },
      timestamp_out_of_tolerance: { status: 401, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      content_type: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });

  it.each(KINDS)('rejects an unauthenticated %s request when the source has no secrets', (kind) => {
    expect(verifyWebhook(kind, {}, request(), ctx).ok).toBe(false);
    expect(verifyWebhook(kind, null as unknown as SourceSecrets, request(), ctx).ok).toBe(false);
  });

  it('rejects an unknown kind', () => {
    expect(verifyWebhook('github' as SourceKind, {}, request(), ctx)).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it.each(KINDS)('never throws on a malformed %s request', (kind) => {
    const secrets: SourceSecrets = {
      meta: { appSecret: 'a', verifyToken: 'b' },
      twilio: { authToken: 'a' },
      zapi: { token: 'a' },
      waha: { hmacKey: 'a' },
      bitrix24: { applicationToken: 'a' },
      standard: { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    };
    const exploding = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        has: () => {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('boom');
        },
      },
    );
    const garbage = [
      null,
      request({ rawBody: '{}' as unknown as Buffer }),
      request({ headers: null as unknown as InboundRequest['headers'] }),
      request({
        headers: exploding,
        query: exploding,
      }),
    ];
    for (const req of garbage) {
      expect(verifyWebhook(kind, secrets, req as InboundRequest, ctx)).toEqual({
        ok: false,
        reason: expect.any(String),
      });
    }
    expect(verifyWebhook(kind, secrets, request(), null as unknown as typeof ctx).ok).toBe(false);
  });
});

describe('metaHandshake', () => {
  it('never throws on missing secrets or a malformed query', () => {
    expect(metaHandshake(null as unknown as SourceSecrets, { 'hub.mode': 'subscribe' })).toBeUndefined();
    expect(metaHandshake({ meta: { appSecret: 'a', verifyToken: 'b' } }, null as never)).toBeUndefined();
  });
});
