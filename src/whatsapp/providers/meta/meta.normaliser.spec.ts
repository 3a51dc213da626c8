import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import { normalise as normaliseWith } from '../../../events/normalisers/normalise';
import { MetaSource } from './meta.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new MetaSource());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

function metaInput(body: unknown): NormaliseInput {
  return { kind: 'meta', body, rawBody: Buffer.from(JSON.stringify(body)), headers: {}, receivedAt };
}

/** The envelope of reference §1.4 around one `value`. */
function envelope(...values: object[]) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: values.map((value) => ({ field: 'messages', value })) }],
  };
}

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

describe('normalise meta', () => {
  it('reads a text message with the sender name matched by wa_id', () => {
    const body = envelope({
      messaging_product: 'whatsapp',
      metadata,
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '5511999999999' }],
      messages: [
        {
          from: '5511999999999',
          id: 'wamid.HBgLNTUxMTk5OTk5OTk5ORUCABIYFjNFQjA',
          timestamp: '1749416383',
          type: 'text',
          text: { body: 'Oi, quero agendar' },
        },
      ],
    });
    const [event, ...rest] = normalise(metaInput(body));
    expect(rest).toEqual([]);
    expect(event).toEqual({
      type: 'whatsapp.message.received',
      occurredAt: new Date(1749416383 * 1000),
      dedupeKey: 'msg:wamid.HBgLNTUxMTk5OTk5OTk5ORUCABIYFjNFQjA',
      data: {
        provider: 'meta',
        from: '5511999999999',
        rawFrom: '5511999999999',
        to: '15550783881',
        phoneNumberId: '106540352242922',
        messageId: 'wamid.HBgLNTUxMTk5OTk5OTk5ORUCABIYFjNFQjA',
        contactName: 'Sheena Nelson',
        kind: 'text',
        text: 'Oi, quero agendar',
        media: null,
        timestamp: '2025-06-08T20:59:43.000Z',
      },
    });
  });

  it('reads an image with its caption, a button reply with its context, and a location', () => {
    const body = envelope({
      metadata,
      contacts: [{ profile: { name: 'Maria' }, wa_id: '5511999999999' }],
      messages: [
        {
          from: '5511999999999',
          id: 'wamid.IMG',
          timestamp: '1749416383',
          type: 'image',
          image: { caption: 'Meu exame', mime_type: 'image/jpeg', sha256: 'abc=', id: '1013859600285441' },
        },
        {
          context: { from: '15550783881', id: 'wamid.BUTTONS' },
          from: '5511999999999',
          id: 'wamid.REPLY',
          timestamp: '1749416390',
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'confirm_yes', title: 'Confirmar' } },
        },
        {
          from: '5511999999999',
          id: 'wamid.LOC',
          timestamp: '1749416399',
          type: 'location',
          location: { latitude: -23.5, longitude: -46.6, name: 'Clínica', address: 'Av. Paulista, 1000' },
        },
      ],
    });
    const [image, reply, location] = normalise(metaInput(body)).map((e) => e.data);
    expect(image).toMatchObject({
      kind: 'image',
      text: 'Meu exame',
      media: { id: '1013859600285441', mimeType: 'image/jpeg', caption: 'Meu exame' },
      contactName: 'Maria',
    });
    expect(reply).toMatchObject({
      kind: 'interactive',
      text: 'Confirmar',
      choice: { id: 'confirm_yes', title: 'Confirmar' },
      replyTo: 'wamid.BUTTONS',
    });
    expect(location).toMatchObject({
      kind: 'location',
      text: null,
      location: { latitude: -23.5, longitude: -46.6, name: 'Clínica', address: 'Av. Paulista, 1000' },
    });
  });

  it('reads template quick replies, list replies and reactions', () => {
    const body = envelope({
      metadata,
      messages: [
        {
          from: '55',
          id: 'w1',
          timestamp: '1',
          type: 'button',
          button: { text: 'Sim', payload: 'CONFIRM_123' },
        },
        {
          from: '55',
          id: 'w2',
          type: 'interactive',
          interactive: {
            type: 'list_reply',
            list_reply: { id: 'row_1', title: 'Terça', description: '15h' },
          },
        },
        { from: '55', id: 'w3', type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
      ],
    });
    const [button, list, reaction] = normalise(metaInput(body)).map((e) => e.data);
    expect(button).toMatchObject({
      kind: 'button',
      text: 'Sim',
      choice: { id: 'CONFIRM_123', title: 'Sim' },
    });
    expect(list).toMatchObject({
      kind: 'interactive',
      choice: { id: 'row_1', title: 'Terça', description: '15h' },
    });
    expect(reaction).toMatchObject({
      kind: 'reaction',
      text: '👍',
      reaction: { messageId: 'wamid.X', emoji: '👍' },
    });
  });

  it('reads a failed status with its error code and title', () => {
    const body = envelope({
      metadata,
      statuses: [
        {
          id: 'wamid.OUT',
          status: 'failed',
          timestamp: '1700000000',
          recipient_id: '5511999999999',
          errors: [
            {
              code: 131047,
              title: 'Re-engagement message',
              message: 'Re-engagement message',
              error_data: { details: 'Message failed to send because more than 24 hours have passed.' },
            },
          ],
        },
      ],
    });
    expect(normalise(metaInput(body))).toEqual([
      {
        type: 'whatsapp.message.status',
        occurredAt: new Date(1700000000 * 1000),
        dedupeKey: 'status:wamid.OUT:failed',
        data: {
          provider: 'meta',
          messageId: 'wamid.OUT',
          status: 'failed',
          providerStatus: 'failed',
          recipient: '5511999999999',
          errorCode: '131047',
          errorMessage: 'Re-engagement message',
          errorDetails: 'Message failed to send because more than 24 hours have passed.',
          timestamp: '2023-11-14T22:13:20.000Z',
          phoneNumberId: '106540352242922',
        },
      },
    ]);
  });

  it('gives one event per message and status across entries and changes', () => {
    const message = (id: string) => ({
      from: '5511999999999',
      id,
      timestamp: '1749416383',
      type: 'text',
      text: { body: id },
    });
    const status = (id: string, s: string) => ({
      id,
      status: s,
      timestamp: '1749416383',
      recipient_id: '55',
    });
    const body = envelope(
      { metadata, messages: [message('wamid.1'), message('wamid.2')] },
      { metadata, statuses: [status('wamid.9', 'delivered'), status('wamid.9', 'played')] },
    );
    body.entry.push({
      id: 'other',
      changes: [{ field: 'messages', value: { metadata, messages: [message('wamid.3')] } }],
    });
    const events = normalise(metaInput(body));
    expect(events.map((e) => e.dedupeKey)).toEqual([
      'msg:wamid.1',
      'msg:wamid.2',
      'status:wamid.9:delivered',
      'status:wamid.9:played',
      'msg:wamid.3',
    ]);
    expect(events[3].data).toMatchObject({ status: 'read', providerStatus: 'played' });
  });

  it('keeps unsupported message types whole with kind unknown', () => {
    const unsupported = {
      from: '55',
      id: 'wamid.U',
      type: 'unsupported',
      errors: [{ code: 131051, title: 'Message type unknown' }],
    };
    const [event] = normalise(metaInput(envelope({ metadata, messages: [unsupported] })));
    expect(event.data).toMatchObject({ kind: 'unknown', raw: unsupported });
  });

  it('stores account updates, other objects and empty batches as meta.unknown', () => {
    for (const body of [
      {
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'account_update', value: { event: 'X' } }] }],
      },
      { object: 'page', entry: [] },
      { object: 'whatsapp_business_account', entry: [] },
    ]) {
      const events = normalise(metaInput(body));
      expect(events).toEqual([
        {
          type: 'meta.unknown',
          occurredAt: receivedAt,
          dedupeKey: expect.stringMatching(/^raw:[0-9a-f]{64}$/),
          data: { payload: body },
        },
      ]);
    }
  });

  it('keeps the readable part of a half-broken payload and stores the whole payload beside it', () => {
    const body = envelope({
      metadata: 'not an object',
      contacts: 'nope',
      messages: [
        { id: 'wamid.OK', from: 5511, type: 'text', text: 'not an object' },
        'garbage',
        { no: 'id' },
      ],
      statuses: [{ id: 'wamid.S', status: 'deleted' }],
    });
    const events = normalise(metaInput(body));
    expect(events.map((e) => e.type)).toEqual(['whatsapp.message.received', 'meta.unknown']);
    expect(events[0].data).toMatchObject({
      from: '5511',
      to: null,
      kind: 'text',
      text: null,
      contactName: null,
    });
    expect(events[0].occurredAt).toEqual(receivedAt);
  });

  it('gives the same keys for the same payload twice', () => {
    const body = envelope({
      metadata,
      messages: [{ id: 'wamid.A', from: '55', type: 'text', text: { body: 'x' } }],
    });
    const keys = () => normalise(metaInput(body)).map((e) => e.dedupeKey);
    expect(keys()).toEqual(keys());
    const garbage = { object: 'whatsapp_business_account', entry: 'x' };
    expect(normalise(metaInput(garbage))[0].dedupeKey).toBe(normalise(metaInput(garbage))[0].dedupeKey);
  });
});
