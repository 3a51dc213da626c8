import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import { normalise as normaliseWith } from '../../../events/normalisers/normalise';
import { WahaSource } from './waha.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new WahaSource());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

function wahaInput(body: unknown): NormaliseInput {
  return { kind: 'waha', body, rawBody: Buffer.from(JSON.stringify(body)), headers: {}, receivedAt };
}

/** The envelope of reference §4.4 around a payload. */
function envelope(event: string, payload: unknown) {
  return {
    id: 'evt_01aaaaaaaaaaaaaaaaaaaaaaaa',
    timestamp: 1741249702485,
    event,
    session: 'default',
    metadata: { 'user.id': '123' },
    me: { id: '15550001111@c.us', pushName: '~' },
    payload,
    engine: 'WEBJS',
  };
}

const message = {
  id: 'false_5531992953088@c.us_AAAAAAAAAAAAAAAAAAAA',
  timestamp: 1667561485,
  from: '5531992953088@c.us',
  fromMe: false,
  to: '15550001111@c.us',
  body: 'Hi there!',
  hasMedia: false,
  ack: 1,
  vCards: [],
  media: null,
  replyTo: null,
  _data: { notifyName: 'Maria', type: 'chat' },
};

describe('normalise waha', () => {
  it('reads an incoming message', () => {
    expect(normalise(wahaInput(envelope('message', message)))).toEqual([
      {
        type: 'whatsapp.message.received',
        occurredAt: new Date(1667561485 * 1000),
        dedupeKey: 'msg:false_5531992953088@c.us_AAAAAAAAAAAAAAAAAAAA',
        data: {
          provider: 'waha',
          from: '5531992953088',
          rawFrom: '5531992953088@c.us',
          to: '15550001111',
          messageId: 'false_5531992953088@c.us_AAAAAAAAAAAAAAAAAAAA',
          contactName: 'Maria',
          kind: 'text',
          text: 'Hi there!',
          media: null,
          timestamp: '2022-11-04T11:31:25.000Z',
          session: 'default',
        },
      },
    ]);
  });

  it('reads media with caption and locations', () => {
    const image = {
      ...message,
      body: 'Meu exame',
      hasMedia: true,
      media: {
        url: 'http://localhost:3000/api/files/a.jpg',
        mimetype: 'image/jpeg',
        filename: null,
        error: null,
      },
      _data: { notifyName: 'Maria', type: 'image' },
    };
    expect(normalise(wahaInput(envelope('message', image)))[0].data).toMatchObject({
      kind: 'image',
      text: 'Meu exame',
      media: { url: 'http://localhost:3000/api/files/a.jpg', mimeType: 'image/jpeg', caption: 'Meu exame' },
    });
    const voice = {
      ...image,
      body: '',
      media: { url: 'http://w/v.oga', mimetype: 'audio/ogg; codecs=opus' },
      _data: { type: 'ptt' },
    };
    expect(normalise(wahaInput(envelope('message', voice)))[0].data).toMatchObject({
      kind: 'audio',
      text: null,
    });
    const location = { ...message, body: '', _data: { type: 'location', lat: -19.9, lng: -43.9 } };
    expect(normalise(wahaInput(envelope('message', location)))[0].data).toMatchObject({
      kind: 'location',
      location: { latitude: -19.9, longitude: -43.9 },
    });
  });

  it('keeps our own messages from message.any as echoes, with the same key as message', () => {
    const own = {
      ...message,
      id: 'true_5531992953088@c.us_3EB0',
      fromMe: true,
      from: '15550001111@c.us',
      to: '5531992953088@c.us',
    };
    const [event] = normalise(wahaInput(envelope('message.any', own)));
    expect(event).toMatchObject({
      type: 'whatsapp.message.echo',
      dedupeKey: 'msg:true_5531992953088@c.us_3EB0',
      data: { from: '15550001111', to: '5531992953088', contactName: null },
    });
    const inbound = normalise(wahaInput(envelope('message.any', message)));
    expect(inbound[0].dedupeKey).toBe(normalise(wahaInput(envelope('message', message)))[0].dedupeKey);
  });

  it('reads message.ack as a status keyed by the ack number', () => {
    const ack = {
      id: 'true_5531992953088@c.us_3EB0',
      from: '5531992953088@c.us',
      participant: null,
      fromMe: true,
      ack: 3,
      ackName: 'READ',
    };
    expect(normalise(wahaInput(envelope('message.ack', ack)))).toEqual([
      {
        type: 'whatsapp.message.status',
        occurredAt: new Date(1741249702485),
        dedupeKey: 'status:true_5531992953088@c.us_3EB0:3',
        data: {
          provider: 'waha',
          messageId: 'true_5531992953088@c.us_3EB0',
          status: 'read',
          providerStatus: 'READ',
          recipient: '5531992953088',
          timestamp: '2025-03-06T08:28:22.485Z',
          session: 'default',
        },
      },
    ]);
    const error = { ...ack, ack: -1, ackName: 'ERROR' };
    expect(normalise(wahaInput(envelope('message.ack', error)))[0]).toMatchObject({
      dedupeKey: 'status:true_5531992953088@c.us_3EB0:-1',
      data: { status: 'failed' },
    });
    const byName = { ...ack, ack: undefined, ackName: 'DEVICE' };
    expect(normalise(wahaInput(envelope('message.ack', byName)))[0].data).toMatchObject({
      status: 'delivered',
    });
  });

  it('reads group messages from their participant', () => {
    const group = { ...message, from: '120363040000000000@g.us', participant: '5531992953088@c.us' };
    expect(normalise(wahaInput(envelope('message', group)))[0].data).toMatchObject({
      from: '5531992953088',
      isGroup: true,
      chatId: '120363040000000000@g.us',
    });
  });

  it('reads session.status as whatsapp.session.status, keyed by the envelope id', () => {
    const body = { ...envelope('session.status', { status: 'SCAN_QR_CODE' }), id: 'evt_01abc' };
    expect(normalise(wahaInput(body))).toEqual([
      {
        type: 'whatsapp.session.status',
        occurredAt: expect.any(Date),
        dedupeKey: 'session:evt_01abc',
        data: { provider: 'waha', session: body.session, status: 'SCAN_QR_CODE' },
      },
    ]);
  });

  it('stores session.status without a status, status broadcasts and wrong shapes as waha.unknown', () => {
    for (const body of [
      envelope('session.status', { state: 'WORKING' }),
      envelope('message', { ...message, from: 'status@broadcast' }),
      envelope('message', 'not an object'),
      envelope('message.ack', { id: 'x', ack: 9 }),
      { event: 'message', session: 'default', engine: 'WEBJS' },
      null,
    ]) {
      expect(normalise(wahaInput(body))).toEqual([
        {
          type: 'waha.unknown',
          occurredAt: receivedAt,
          dedupeKey: expect.stringMatching(/^raw:/),
          data: { payload: body },
        },
      ]);
    }
  });

  it('gives stable keys', () => {
    const body = envelope('message', message);
    expect(normalise(wahaInput(body))).toEqual(normalise(wahaInput(body)));
  });
});
