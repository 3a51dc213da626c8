import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SourceConfig } from '../../sources/source-kind';
import type { InboundRequest } from '../../verification/inbound-request';
import { StandardSource } from './standard.source';
import { verifyWebhook } from '../../verification/verify';

/** Each kind's config under its name, as the tests were first written. */
type SourceSecrets = Record<string, SourceConfig | undefined>;
const KIND = new StandardSource();

// Test vector from reference/webhooks.md §1.5 (svix docs, recomputed there with Node crypto).
const SECRET = 'whsec_plJ3nmyCDGBKInavdOK15jsl';
const ID = 'msg_loFOjxBNrRLzqYUf';
const TIMESTAMP = 1731705121;
const BODY = Buffer.from('{"event_type":"ping","data":{"success":true}}');
const SIGNATURE = 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=';

const secrets: SourceSecrets = { standard: { secret: SECRET } };
/** The vector's own time: years away from the real clock, which the package would have used. */
const SENT_AT = new Date(TIMESTAMP * 1000);

function request(overrides: Partial<InboundRequest> = {}): InboundRequest {
  return {
    method: 'POST',
    url: '/webhooks/site',
    headers: { 'webhook-id': ID, 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': SIGNATURE },
    query: {},
    rawBody: BODY,
    contentType: 'application/json',
    ...overrides,
  };
}

function verify(
  req: InboundRequest,
  now = SENT_AT,
  config: SourceSecrets = secrets,
  toleranceSeconds?: number,
) {
  return verifyWebhook(KIND, config.standard ?? {}, req, {
    publicUrl: 'https://ponte.example.com',
    now,
    toleranceSeconds,
  });
}

const withHeaders = (headers: Record<string, string | string[] | undefined>) =>
  request({ headers: { ...request().headers, ...headers } });
const seconds = (s: number) => new Date(SENT_AT.getTime() + s * 1000);
const invalid = { ok: false, reason: 'signature_invalid' };
const stale = { ok: false, reason: 'timestamp_out_of_tolerance' };

describe('standard webhooks verifier', () => {
  it('accepts the reference test vector at its own time', () => {
    expect(verify(request())).toEqual({ ok: true });
  });

  it('accepts anything within ±5 minutes of the injected clock, boundaries included', () => {
    expect(verify(request(), seconds(300))).toEqual({ ok: true });
    expect(verify(request(), seconds(-300))).toEqual({ ok: true });
  });

  it('rejects a timestamp 6 minutes old or 6 minutes ahead', () => {
    expect(verify(request(), seconds(6 * 60))).toEqual(stale);
    expect(verify(request(), seconds(-6 * 60))).toEqual(stale);
    expect(verify(request(), seconds(301))).toEqual(stale);
  });

  it('honours a configured tolerance', () => {
    expect(verify(request(), seconds(30), secrets, 10)).toEqual(stale);
    expect(verify(request(), seconds(600), secrets, 900)).toEqual({ ok: true });
  });

  it('agrees with the package on a message signed now', () => {
    const now = new Date();
    const wh = new Webhook(SECRET);
    const headers = {
      'webhook-id': 'msg_now',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    };
    const signed = { ...headers, 'webhook-signature': wh.sign('msg_now', now, BODY) };
    expect(wh.verify(BODY, signed)).toEqual({ event_type: 'ping', data: { success: true } });
    expect(verify(request({ headers: signed }), now)).toEqual({ ok: true });
  });

  it('accepts any matching v1 entry among several (secret rotation) and skips other versions', () => {
    const oldKey = `v1,${Buffer.alloc(32, 1).toString('base64')}`;
    const v1a =
      'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==';
    expect(verify(withHeaders({ 'webhook-signature': `${oldKey} ${v1a} ${SIGNATURE}` }))).toEqual({
      ok: true,
    });
    expect(verify(withHeaders({ 'webhook-signature': `${oldKey} ${v1a}` }))).toEqual(invalid);
  });

  it('rejects a wrong signature, and the right bytes under another version', () => {
    expect(verify(withHeaders({ 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }))).toEqual(
      invalid,
    );
    expect(verify(withHeaders({ 'webhook-signature': SIGNATURE.replace('v1,', 'v2,') }))).toEqual(invalid);
  });

  it('rejects each missing header as signature_missing', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verify(withHeaders({ [name]: undefined }))).toEqual({ ok: false, reason: 'signature_missing' });
    }
  });

  it('rejects a body tampered by one byte', () => {
    const tampered = Buffer.from(BODY);
    tampered[3] ^= 0x01;
    expect(verify(request({ rawBody: tampered }))).toEqual(invalid);
  });

  it('rejects a signature made with another secret', () => {
    const otherSecret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const other = new Webhook(otherSecret).sign(ID, SENT_AT, BODY);
    expect(verify(withHeaders({ 'webhook-signature': other }))).toEqual(invalid);
    expect(verify(request(), SENT_AT, { standard: { secret: otherSecret } })).toEqual(invalid);
  });

  it('binds the id and the timestamp into the signature', () => {
    expect(verify(withHeaders({ 'webhook-id': 'msg_other' }))).toEqual(invalid);
    expect(verify(withHeaders({ 'webhook-timestamp': String(TIMESTAMP + 1) }))).toEqual(invalid);
  });

  it('rejects malformed timestamps instead of reading a number out of them', () => {
    for (const ts of [`${TIMESTAMP}abc`, `0${TIMESTAMP}`, `${TIMESTAMP}.0`, '-1', 'now']) {
      expect(verify(withHeaders({ 'webhook-timestamp': ts }))).toEqual(invalid);
    }
  });

  it('fails closed on a missing or undecodable secret and on repeated headers', () => {
    expect(verify(request(), SENT_AT, {})).toEqual(invalid);
    expect(verify(request(), SENT_AT, { standard: { secret: 'whsec_not*base64' } })).toEqual(invalid);
    expect(verify(withHeaders({ 'webhook-signature': [SIGNATURE, SIGNATURE] }))).toEqual(invalid);
    expect(verify(request(), new Date(Number.NaN))).toEqual(invalid);
  });

  it('signs the raw bytes: a body that is not UTF-8 is refused, not re-decoded', () => {
    const body = Buffer.from([0x7b, 0xff, 0x7d]);
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(`${ID}.${TIMESTAMP}.`), body]))
      .digest('base64');
    expect(
      verify(request({ rawBody: body, headers: { ...request().headers, 'webhook-signature': `v1,${mac}` } })),
    ).toEqual(invalid);
  });

  it('rejects a body that is not JSON with content_type', () => {
    expect(verify(request({ contentType: 'text/plain' }))).toEqual({ ok: false, reason: 'content_type' });
  });
});
