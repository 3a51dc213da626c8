import { createHash, createHmac } from 'node:crypto';
import type { SourceConfig } from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { TwilioSource } from './twilio.source';
import { candidateUrls } from './twilio.verifier';
import { verifyWebhook } from '../../../events/verification/verify';

/** Each kind's config under its name, as the tests were first written. */
type SourceSecrets = Record<string, SourceConfig | undefined>;
const KIND = new TwilioSource();

// Test vector from reference/providers.md (top of file, §2.4–2.5).
const AUTH_TOKEN = '12345';
const VECTOR_SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
const VECTOR_BODY = Buffer.from(
  'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212',
);

const secrets: SourceSecrets = { twilio: { authToken: AUTH_TOKEN } };
const FORM = 'application/x-www-form-urlencoded';

function request(overrides: Partial<InboundRequest> = {}): InboundRequest {
  return {
    method: 'POST',
    url: '/myapp.php?foo=1&bar=2',
    headers: { 'x-twilio-signature': VECTOR_SIGNATURE },
    query: { foo: '1', bar: '2' },
    rawBody: VECTOR_BODY,
    contentType: FORM,
    ...overrides,
  };
}

function verify(req: InboundRequest, publicUrl = 'https://mycompany.com', config: SourceSecrets = secrets) {
  return verifyWebhook(KIND, config.twilio ?? {}, req, { publicUrl, now: new Date('2026-01-01T00:00:00Z') });
}

/** Independent of the module: HMAC-SHA1 over exactly the string given. */
const hmac = (data: string, token = AUTH_TOKEN) => createHmac('sha1', token).update(data).digest('base64');
const invalid = { ok: false, reason: 'signature_invalid' };

describe('twilio verifier', () => {
  it('accepts the reference test vector', () => {
    expect(verify(request())).toEqual({ ok: true });
  });

  it('sorts the params itself, whatever order they arrive in', () => {
    const reordered = Buffer.from(
      'To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030',
    );
    expect(verify(request({ rawBody: reordered }))).toEqual({ ok: true });
  });

  it('accepts the URL with the default port, either way round (twilio-node validateRequest)', () => {
    expect(verify(request(), 'https://mycompany.com:443')).toEqual({ ok: true });
    const signedWithPort = hmac('https://mycompany.com:443/hook' + 'Bodyhi');
    const req = request({ url: '/hook', query: {}, rawBody: Buffer.from('Body=hi') });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signedWithPort } })).toEqual({ ok: true });
  });

  it('accepts a query Twilio signed in the legacy encoding', () => {
    const signed = hmac("https://mycompany.com/hook?q=it's");
    const req = request({ url: '/hook?q=it%27s', rawBody: Buffer.alloc(0), contentType: '' });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signed } })).toEqual({ ok: true });
  });

  it('keeps a non-default port (local development)', () => {
    const signed = hmac('http://localhost:3000/webhooks/tw' + 'Bodyoi');
    const req = request({ url: '/webhooks/tw', rawBody: Buffer.from('Body=oi') });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signed } }, 'http://localhost:3000')).toEqual({
      ok: true,
    });
    expect(candidateUrls('http://localhost:3000/a?b=c')).toContain('http://localhost/a?b=c');
  });

  it('signs each distinct value of a repeated name once, values sorted', () => {
    const body = Buffer.from('MediaUrl=b&Body=x&MediaUrl=a&MediaUrl=b');
    const signed = hmac('https://mycompany.com/hook' + 'Bodyx' + 'MediaUrla' + 'MediaUrlb');
    const req = request({ url: '/hook', query: {}, rawBody: body });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signed } })).toEqual({ ok: true });
  });

  it('decodes + as a space and percent escapes as UTF-8', () => {
    const signed = hmac('https://mycompany.com/hook' + 'BodyOlá mundo');
    const req = request({ url: '/hook', query: {}, rawBody: Buffer.from('Body=Ol%C3%A1+mundo') });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signed } })).toEqual({ ok: true });
  });

  it('signs the URL alone for a GET callback', () => {
    const signed = hmac('https://mycompany.com/hook?MessageSid=SM1&MessageStatus=read');
    const req = request({
      method: 'GET',
      url: '/hook?MessageSid=SM1&MessageStatus=read',
      rawBody: Buffer.alloc(0),
      contentType: '',
    });
    expect(verify({ ...req, headers: { 'x-twilio-signature': signed } })).toEqual({ ok: true });
  });

  it('rejects a wrong signature', () => {
    expect(verify(request({ headers: { 'x-twilio-signature': hmac('something else') } }))).toEqual(invalid);
  });

  it('rejects a missing header as signature_missing', () => {
    expect(verify(request({ headers: {} }))).toEqual({ ok: false, reason: 'signature_missing' });
  });

  it('rejects a body tampered by one byte', () => {
    const tampered = Buffer.from(VECTOR_BODY);
    tampered[tampered.length - 1] ^= 0x01; // the last digit of To
    expect(verify(request({ rawBody: tampered }))).toEqual(invalid);
  });

  it('rejects another auth token, another URL and a missing auth token', () => {
    expect(verify(request(), 'https://mycompany.com', { twilio: { authToken: '54321' } })).toEqual(invalid);
    expect(verify(request(), 'https://evil.example.com')).toEqual(invalid);
    expect(verify(request({ url: '/myapp.php?foo=1&bar=3' }))).toEqual(invalid);
    expect(verify(request(), 'https://mycompany.com', {})).toEqual(invalid);
  });

  it('rejects a repeated signature header', () => {
    expect(verify(request({ headers: { 'x-twilio-signature': [VECTOR_SIGNATURE, 'x'] } }))).toEqual(invalid);
  });

  describe('JSON bodies (bodySHA256)', () => {
    const body = Buffer.from('{"MessageSid":"SM1","MessageStatus":"delivered"}');
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const url = `/webhooks/tw?bodySHA256=${bodyHash}`;
    const signed = hmac(`https://mycompany.com${url}`);
    const jsonRequest = (overrides: Partial<InboundRequest> = {}) =>
      request({
        url,
        query: { bodySHA256: bodyHash },
        rawBody: body,
        contentType: 'application/json',
        headers: { 'x-twilio-signature': signed },
        ...overrides,
      });

    it('accepts a signed URL whose bodySHA256 matches the raw body', () => {
      expect(verify(jsonRequest())).toEqual({ ok: true });
    });

    it('rejects a body tampered by one byte (the hash no longer matches)', () => {
      const tampered = Buffer.from(body);
      tampered[5] ^= 0x01;
      expect(verify(jsonRequest({ rawBody: tampered }))).toEqual(invalid);
    });

    it('rejects a JSON body without bodySHA256: nothing covers it', () => {
      const plain = hmac('https://mycompany.com/webhooks/tw');
      expect(
        verify(jsonRequest({ url: '/webhooks/tw', query: {}, headers: { 'x-twilio-signature': plain } })),
      ).toEqual(invalid);
    });

    it('rejects a repeated bodySHA256', () => {
      const doubled = `${url}&bodySHA256=${bodyHash}`;
      const req = jsonRequest({
        url: doubled,
        headers: { 'x-twilio-signature': hmac(`https://mycompany.com${doubled}`) },
      });
      expect(verify(req)).toEqual(invalid);
    });
  });

  it('rejects a body it cannot read with content_type', () => {
    expect(verify(request({ contentType: 'text/plain' }))).toEqual({ ok: false, reason: 'content_type' });
  });
});
