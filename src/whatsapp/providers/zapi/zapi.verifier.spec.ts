import type { SourceConfig } from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { ZapiSource } from './zapi.source';
import { verifyWebhook } from '../../../events/verification/verify';

/** Each kind's config under its name, as the tests were first written. */
type SourceSecrets = Record<string, SourceConfig | undefined>;
const KIND = new ZapiSource();

const TOKEN = 'zt_6b1f0c2e9d8a4f3b';
const BODY = Buffer.from('{"type":"ReceivedCallback","phone":"5544999999999","text":{"message":"teste"}}');
const secrets: SourceSecrets = { zapi: { token: TOKEN } };
const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };

function request(
  token: string | string[] | undefined,
  overrides: Partial<InboundRequest> = {},
): InboundRequest {
  return {
    method: 'POST',
    url: `/webhooks/zapi?token=${String(token)}`,
    headers: {},
    query: { token },
    rawBody: BODY,
    contentType: 'application/json',
    ...overrides,
  };
}

const verify = (req: InboundRequest, config: SourceSecrets = secrets) =>
  verifyWebhook(KIND, config.zapi ?? {}, req, ctx);
const invalid = { ok: false, reason: 'token_invalid' };

describe('zapi verifier', () => {
  it('accepts the right token', () => {
    expect(verify(request(TOKEN))).toEqual({ ok: true });
  });

  it('rejects a wrong token, including one differing in the last character', () => {
    expect(verify(request('wrong'))).toEqual(invalid);
    expect(verify(request(`${TOKEN.slice(0, -1)}c`))).toEqual(invalid);
  });

  it('rejects a missing, empty or repeated token', () => {
    expect(verify(request(undefined))).toEqual(invalid);
    expect(verify(request(''))).toEqual(invalid);
    expect(verify(request([TOKEN, TOKEN]))).toEqual(invalid);
  });

  it('rejects the right token when the source has another one or none', () => {
    expect(verify(request(TOKEN), { zapi: { token: 'another' } })).toEqual(invalid);
    expect(verify(request(TOKEN), {})).toEqual(invalid);
    expect(verify(request(''), { zapi: { token: '' } })).toEqual(invalid);
  });

  it('takes JSON only', () => {
    expect(verify(request(TOKEN, { contentType: 'application/x-www-form-urlencoded' }))).toEqual({
      ok: false,
      reason: 'content_type',
    });
    expect(verify(request(undefined, { contentType: 'text/plain' }))).toEqual({
      ok: false,
      reason: 'content_type',
    });
  });
});
