import type { InboundRequest } from '../../events/verification/inbound-request';
import {
  answerHandshake,
  REJECTION_STATUS,
  verifyWebhook as verifyWith,
} from '../../events/verification/verify';
import { Bitrix24Source } from '../../crm/bitrix24/source/bitrix24.source';
import type { SourceKindHandler } from '../../events/sources/source-kind';
import { StandardSource } from '../../events/sources/standard/standard.source';
import { MetaSource } from './meta/meta.source';
import { TwilioSource } from './twilio/twilio.source';
import { WahaSource } from './waha/waha.source';
import { ZapiSource } from './zapi/zapi.source';

/** Every source kind of the app, as declared: WhatsApp's here, Standard and Bitrix24 in events. */
const KINDS: Record<string, SourceKindHandler> = {
  meta: new MetaSource(),
  twilio: new TwilioSource(),
  zapi: new ZapiSource(),
  waha: new WahaSource(),
  bitrix24: new Bitrix24Source(),
  standard: new StandardSource(),
};

type Secrets = Record<string, Record<string, string>>;

/** The dispatcher with the verifier of `kind` and that kind's part of `secrets`, as ingest calls it. */
const verifyWebhook = (kind: string, secrets: Secrets, req: InboundRequest, context: typeof ctx) =>
  verifyWith(KINDS[kind], secrets?.[kind], req, context);
const metaHandshake = (secrets: Secrets, query: InboundRequest['query']) =>
  answerHandshake(KINDS.meta, secrets?.meta, query);

const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };
const KIND_NAMES = Object.keys(KINDS);

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

  it.each(KIND_NAMES)('rejects an unauthenticated %s request when the source has no secrets', (kind) => {
    expect(verifyWebhook(kind, {}, request(), ctx).ok).toBe(false);
    expect(verifyWebhook(kind, null as unknown as Secrets, request(), ctx).ok).toBe(false);
  });

  it('rejects an unknown kind', () => {
    expect(verifyWebhook('github', {}, request(), ctx)).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
  });

  it.each(KIND_NAMES)('never throws on a malformed %s request', (kind) => {
    const secrets: Secrets = {
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
    expect(metaHandshake(null as unknown as Secrets, { 'hub.mode': 'subscribe' })).toBeUndefined();
    expect(metaHandshake({ meta: { appSecret: 'a', verifyToken: 'b' } }, null as never)).toBeUndefined();
  });
});
