import { parseFormBody } from '../../../platform/http/body-parsers';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import { normalise as normaliseWith } from '../../../events/normalisers/normalise';
import { Bitrix24Source } from './bitrix24.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new Bitrix24Source());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

/** Form bytes as Bitrix24 posts them: PHP bracket keys, percent-encoded. */
function formBytes(pairs: [string, string][]): Buffer {
  return Buffer.from(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
}

function bitrixInput(rawBody: Buffer): NormaliseInput {
  return {
    kind: 'bitrix24',
    body: parseFormBody(rawBody),
    rawBody,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    receivedAt,
  };
}

const auth: [string, string][] = [
  ['auth[access_token]', 'c978b990-secret-access-token'],
  ['auth[expires]', '1773762761'],
  ['auth[expires_in]', '3600'],
  ['auth[scope]', 'imconnector,imopenlines'],
  ['auth[domain]', 'some-domain.bitrix24.com'],
  ['auth[server_endpoint]', 'https://oauth.bitrix.info/rest/'],
  ['auth[status]', 'F'],
  ['auth[client_endpoint]', 'https://some-domain.bitrix24.com/rest/'],
  ['auth[member_id]', 'bac1cd5c8940947a75e0d71b1a84e348'],
  ['auth[user_id]', '27'],
  ['auth[application_token]', '831c76b092f9f135d9b6b36c3a720757'],
  ['auth[refresh_token]', 'refresh-secret'],
];

/** ONIMCONNECTORMESSAGEADD of reference §5.5. */
const messageAdd: [string, string][] = [
  ['event', 'ONIMCONNECTORMESSAGEADD'],
  ['event_handler_id', '555'],
  ['data[CONNECTOR]', 'hub_whatsapp'],
  ['data[LINE]', '107'],
  ['data[MESSAGES][0][im][chat_id]', '1807'],
  ['data[MESSAGES][0][im][message_id]', '86497'],
  ['data[MESSAGES][0][message][user_id]', '27'],
  ['data[MESSAGES][0][message][text]', '[b]Samantha Johnson:[/b] [br]Good afternoon!'],
  ['data[MESSAGES][0][message][files][0][type]', 'image'],
  ['data[MESSAGES][0][message][files][0][link]', 'https://some-domain.bitrix24.com/disk/1.jpg'],
  ['data[MESSAGES][0][message][files][0][name]', 'foto.jpg'],
  ['data[MESSAGES][0][chat][id]', '5511999999999'],
  ['ts', '1773759161'],
  ...auth,
];

const secrets = /secret|831c76b092f9f135d9b6b36c3a720757/;

describe('normalise bitrix24', () => {
  it('reads an operator reply (ONIMCONNECTORMESSAGEADD) from the raw form bytes', () => {
    const events = normalise(bitrixInput(formBytes(messageAdd)));
    expect(events).toEqual([
      {
        type: 'crm.message.outbound',
        occurredAt: new Date(1773759161 * 1000),
        dedupeKey: 'b24:ONIMCONNECTORMESSAGEADD:bac1cd5c8940947a75e0d71b1a84e348:1807:86497',
        data: {
          provider: 'bitrix24',
          connector: 'hub_whatsapp',
          line: '107',
          chatId: '1807',
          userId: '5511999999999',
          operatorId: '27',
          messageId: '86497',
          text: '[b]Samantha Johnson:[/b] [br]Good afternoon!',
          files: [{ type: 'image', url: 'https://some-domain.bitrix24.com/disk/1.jpg', name: 'foto.jpg' }],
          domain: 'some-domain.bitrix24.com',
          memberId: 'bac1cd5c8940947a75e0d71b1a84e348',
          timestamp: '2026-03-17T14:52:41.000Z',
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toMatch(secrets);
  });

  it('gives one event per message when several replies come together', () => {
    const second: [string, string][] = [
      ['data[MESSAGES][1][im][chat_id]', '1807'],
      ['data[MESSAGES][1][im][message_id]', '86498'],
      ['data[MESSAGES][1][message][text]', 'Segunda'],
      ['data[MESSAGES][1][chat][id]', '5511999999999'],
    ];
    const events = normalise(bitrixInput(formBytes([...messageAdd, ...second])));
    expect(events.map((e) => e.data.messageId)).toEqual(['86497', '86498']);
    expect(events[1].data).toMatchObject({ text: 'Segunda', files: [] });
  });

  it('reads ONAPPINSTALL without leaking any token', () => {
    const install = formBytes([
      ['event', 'ONAPPINSTALL'],
      ['data[VERSION]', '1'],
      ['data[ACTIVE]', 'Y'],
      ['data[INSTALLED]', 'Y'],
      ['data[LANGUAGE_ID]', 'br'],
      ['ts', '1773759000'],
      ...auth,
    ]);
    const events = normalise(bitrixInput(install));
    expect(events).toEqual([
      {
        type: 'bitrix24.app.installed',
        occurredAt: new Date(1773759000 * 1000),
        dedupeKey: expect.stringMatching(
          /^b24:ONAPPINSTALL:bac1cd5c8940947a75e0d71b1a84e348:1773759000:[0-9a-f]{64}$/,
        ),
        data: {
          provider: 'bitrix24',
          domain: 'some-domain.bitrix24.com',
          memberId: 'bac1cd5c8940947a75e0d71b1a84e348',
          version: '1',
          languageId: 'br',
          timestamp: '2026-03-17T14:50:00.000Z',
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toMatch(secrets);
    expect(normalise(bitrixInput(install))[0].dedupeKey).toBe(events[0].dedupeKey);
  });

  it('names other events after themselves', () => {
    const raw = formBytes([
      ['event', 'ONIMCONNECTORDIALOGFINISH'],
      ['data[LINE]', '107'],
      ['ts', '1773759300'],
      ...auth,
    ]);
    const [event] = normalise(bitrixInput(raw));
    expect(event).toMatchObject({
      type: 'bitrix24.onimconnectordialogfinish',
      data: {
        event: 'ONIMCONNECTORDIALOGFINISH',
        data: { LINE: '107' },
        memberId: 'bac1cd5c8940947a75e0d71b1a84e348',
      },
    });
    expect(JSON.stringify(event)).not.toMatch(secrets);
  });

  it('stores unreadable payloads as bitrix24.unknown, without their auth block', () => {
    for (const pairs of [
      [['foo', 'bar'], ...auth],
      [['event', 'ONIMCONNECTORMESSAGEADD'], ['data[MESSAGES]', 'not-a-list'], ...auth],
      [['event', 'ON IM<script>'], ...auth],
    ] as [string, string][][]) {
      const events = normalise(bitrixInput(formBytes(pairs)));
      expect(events).toEqual([
        {
          type: 'bitrix24.unknown',
          occurredAt: receivedAt,
          dedupeKey: expect.stringMatching(/^raw:/),
          data: { payload: expect.any(Object) },
        },
      ]);
      expect(events[0].data.payload).not.toHaveProperty('auth');
      expect(JSON.stringify(events)).not.toMatch(secrets);
    }
    const empty = normalise(bitrixInput(Buffer.alloc(0)));
    expect(empty).toMatchObject([{ type: 'bitrix24.unknown' }]);
  });

  it('accepts the JSON rendering of the docs too', () => {
    const body = {
      event: 'ONIMCONNECTORMESSAGEADD',
      data: {
        CONNECTOR: 'hub_whatsapp',
        LINE: 107,
        MESSAGES: [{ im: { chat_id: 1807, message_id: 86497 }, message: { text: 'Oi' }, chat: { id: '55' } }],
      },
      ts: 1773759161,
      auth: { member_id: 'm1', application_token: 'secret' },
    };
    const [event] = normalise({
      kind: 'bitrix24',
      body,
      rawBody: Buffer.from(JSON.stringify(body)),
      headers: {},
      receivedAt,
    });
    expect(event).toMatchObject({
      type: 'crm.message.outbound',
      data: { line: '107', chatId: '1807', messageId: '86497', text: 'Oi' },
    });
  });
});
