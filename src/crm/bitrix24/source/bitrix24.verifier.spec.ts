import type { SourceConfig } from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { Bitrix24Source } from './bitrix24.source';
import { verifyWebhook } from '../../../events/verification/verify';
import { parseBitrixForm } from './bitrix24.verifier';

const TOKEN = '831c76b092f9f135d9b6b36c3a720757';
const MEMBER = 'bac1cd5c8940947a75e0d71b1a84e348';
const ctx = { publicUrl: 'https://ponte.example.com', now: new Date('2026-01-01T00:00:00Z') };

/** The shape of reference/providers.md §5.5, percent-encoded the way Bitrix24 posts it. */
function form(fields: Record<string, string>): Buffer {
  return Buffer.from(new URLSearchParams(fields).toString());
}

const MESSAGE_ADD = {
  event: 'ONIMCONNECTORMESSAGEADD',
  event_handler_id: '555',
  'data[CONNECTOR]': 'hub_whatsapp',
  'data[MESSAGES][0][im][chat_id]': '1807',
  'data[MESSAGES][0][message][text]': '[b]Samantha Johnson:[/b] [br]Good afternoon!',
  'data[MESSAGES][0][message][files][0][type]': 'image',
  'data[MESSAGES][0][chat][id]': '5511999999999',
  ts: '1773759161',
  'auth[domain]': 'some-domain.bitrix24.com',
  'auth[member_id]': MEMBER,
  'auth[application_token]': TOKEN,
};

function request(fields: Record<string, string> = MESSAGE_ADD, overrides: Partial<InboundRequest> = {}) {
  const req: InboundRequest = {
    method: 'POST',
    url: '/webhooks/b24',
    headers: {},
    query: {},
    rawBody: form(fields),
    contentType: 'application/x-www-form-urlencoded',
    ...overrides,
  };
  return req;
}

const verify = (req: InboundRequest, config: SourceConfig) =>
  verifyWebhook(new Bitrix24Source(), config, req, ctx);
const invalid = { ok: false, reason: 'token_invalid' };

describe('bitrix24 verifier', () => {
  it('accepts the stored application token', () => {
    expect(verify(request(), { applicationToken: TOKEN })).toEqual({ ok: true });
    expect(verify(request(), { applicationToken: TOKEN, memberId: MEMBER })).toEqual({ ok: true });
  });

  it('rejects a wrong, tampered or missing token', () => {
    expect(
      verify(request({ ...MESSAGE_ADD, 'auth[application_token]': 'nope' }), { applicationToken: TOKEN }),
    ).toEqual(invalid);
    const tampered = Buffer.from(request().rawBody);
    tampered[tampered.length - 1] ^= 0x01; // last character of the token
    expect(verify(request(MESSAGE_ADD, { rawBody: tampered }), { applicationToken: TOKEN })).toEqual(invalid);
    const { 'auth[application_token]': _dropped, ...withoutToken } = MESSAGE_ADD;
    expect(verify(request(withoutToken), { applicationToken: TOKEN })).toEqual(invalid);
  });

  it('rejects a token issued to another install', () => {
    expect(verify(request(), { applicationToken: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).toEqual(invalid);
  });

  it('rejects a member id that does not match the pinned one', () => {
    const config = { applicationToken: TOKEN, memberId: 'ffffffffffffffffffffffffffffffff' };
    expect(verify(request(), config)).toEqual(invalid);
    const { 'auth[member_id]': _dropped, ...withoutMember } = MESSAGE_ADD;
    expect(verify(request(withoutMember), { applicationToken: TOKEN, memberId: MEMBER })).toEqual(invalid);
  });

  describe('learning the token from ONAPPINSTALL', () => {
    const install = {
      event: 'ONAPPINSTALL',
      'data[VERSION]': '1',
      'auth[member_id]': MEMBER,
      'auth[application_token]': TOKEN,
    };

    it('accepts the install event and reports the token it learned', () => {
      expect(verify(request(install), {})).toEqual({ ok: true, learned: { applicationToken: TOKEN } });
      expect(verify(request(install), undefined as unknown as SourceConfig)).toEqual({
        ok: true,
        learned: { applicationToken: TOKEN },
      });
      expect(verify(request(install), { memberId: MEMBER })).toEqual({
        ok: true,
        learned: { applicationToken: TOKEN },
      });
    });

    it('learns nothing from an install for another portal', () => {
      expect(verify(request(install), { memberId: 'ffffffffffffffffffffffffffffffff' })).toEqual(invalid);
    });

    it('learns nothing from any other event, nor from an install without a token', () => {
      expect(verify(request(), {})).toEqual(invalid);
      const { 'auth[application_token]': _dropped, ...noToken } = install;
      expect(verify(request(noToken), {})).toEqual(invalid);
    });

    it('does not replace a stored token', () => {
      expect(
        verify(request({ ...install, 'auth[application_token]': 'new' }), { applicationToken: TOKEN }),
      ).toEqual(invalid);
      expect(verify(request(install), { applicationToken: TOKEN })).toEqual({ ok: true });
    });
  });

  it('takes form bodies only', () => {
    const json = Buffer.from(JSON.stringify({ event: 'ONAPPINSTALL', auth: { application_token: TOKEN } }));
    expect(verify(request(MESSAGE_ADD, { rawBody: json, contentType: 'application/json' }), {})).toEqual({
      ok: false,
      reason: 'content_type',
    });
  });

  it('ignores a token smuggled in as an array', () => {
    const body = Buffer.from(`event=ONAPPINSTALL&auth[application_token][]=${TOKEN}`);
    expect(verify(request(MESSAGE_ADD, { rawBody: body }), {})).toEqual(invalid);
  });
});

describe('parseBitrixForm', () => {
  it('nests PHP bracket keys, down to a message file', () => {
    expect(parseBitrixForm(form(MESSAGE_ADD))).toEqual({
      event: 'ONIMCONNECTORMESSAGEADD',
      event_handler_id: '555',
      data: {
        CONNECTOR: 'hub_whatsapp',
        MESSAGES: [
          {
            im: { chat_id: '1807' },
            message: { text: '[b]Samantha Johnson:[/b] [br]Good afternoon!', files: [{ type: 'image' }] },
            chat: { id: '5511999999999' },
          },
        ],
      },
      ts: '1773759161',
      auth: { domain: 'some-domain.bitrix24.com', member_id: MEMBER, application_token: TOKEN },
    });
  });

  it('does not let a key reach the object prototype', () => {
    const parsed = parseBitrixForm(Buffer.from('__proto__[polluted]=1&constructor[prototype][x]=1&a=b'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.a).toBe('b');
  });
});
