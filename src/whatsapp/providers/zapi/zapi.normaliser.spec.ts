import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import { normalise as normaliseWith } from '../../../events/normalisers/normalise';
import { ZapiSource } from './zapi.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new ZapiSource());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

function zapiInput(body: unknown): NormaliseInput {
  return { kind: 'zapi', body, rawBody: Buffer.from(JSON.stringify(body)), headers: {}, receivedAt };
}

/** The ReceivedCallback of reference §3.6, verbatim fields. */
const received = {
  isStatusReply: false,
  senderLid: '81896604192873@lid',
  connectedPhone: '554499999999',
  waitingMessage: false,
  isEdit: false,
  isGroup: false,
  isNewsletter: false,
  instanceId: 'A20DA9C0183A2D35A260F53F5D2B9244',
  messageId: 'A20DA9C0183A2D35A260F53F5D2B9244',
  phone: '5544999999999',
  fromMe: false,
  momment: 1632228638000,
  status: 'RECEIVED',
  chatName: 'name',
  senderPhoto: 'https://',
  senderName: 'name',
  participantPhone: null,
  participantLid: null,
  photo: 'https://',
  broadcast: false,
  type: 'ReceivedCallback',
  text: { message: 'teste' },
};

describe('normalise zapi', () => {
  it('reads a received text', () => {
    expect(normalise(zapiInput(received))).toEqual([
      {
        type: 'whatsapp.message.received',
        occurredAt: new Date(1632228638000),
        dedupeKey: 'msg:A20DA9C0183A2D35A260F53F5D2B9244',
        data: {
          provider: 'zapi',
          from: '5544999999999',
          rawFrom: '5544999999999',
          to: '554499999999',
          messageId: 'A20DA9C0183A2D35A260F53F5D2B9244',
          contactName: 'name',
          kind: 'text',
          text: 'teste',
          media: null,
          timestamp: '2021-09-21T12:50:38.000Z',
          instanceId: 'A20DA9C0183A2D35A260F53F5D2B9244',
        },
      },
    ]);
  });

  it('reads an image with caption, a document, a button click and a list choice', () => {
    const { text: _text, ...base } = received;
    const image = {
      ...base,
      messageId: 'IMG1',
      referenceMessageId: 'OUT1',
      image: {
        mimeType: 'image/jpeg',
        imageUrl: 'https://storage.z-api.io/img.jpeg',
        thumbnailUrl: 'https://t',
        caption: 'Comprovante',
      },
    };
    expect(normalise(zapiInput(image))[0].data).toMatchObject({
      kind: 'image',
      text: 'Comprovante',
      media: { url: 'https://storage.z-api.io/img.jpeg', mimeType: 'image/jpeg', caption: 'Comprovante' },
      replyTo: 'OUT1',
    });
    const document = {
      ...base,
      messageId: 'DOC1',
      document: {
        documentUrl: 'https://s/d.pdf',
        mimeType: 'application/pdf',
        title: 'boleto',
        fileName: 'boleto.pdf',
      },
    };
    expect(normalise(zapiInput(document))[0].data).toMatchObject({
      kind: 'document',
      media: { url: 'https://s/d.pdf', filename: 'boleto.pdf' },
    });
    const button = {
      ...base,
      messageId: 'B1',
      buttonsResponseMessage: { buttonId: 'agendar_sim', message: 'Sim, por favor' },
    };
    expect(normalise(zapiInput(button))[0].data).toMatchObject({
      kind: 'interactive',
      text: 'Sim, por favor',
      choice: { id: 'agendar_sim', title: 'Sim, por favor' },
    });
    const list = {
      ...base,
      messageId: 'L1',
      listResponseMessage: { message: 'Escolha', title: 'Terça 15h', selectedRowId: 'r2' },
    };
    expect(normalise(zapiInput(list))[0].data).toMatchObject({
      text: 'Terça 15h',
      choice: { id: 'r2', title: 'Terça 15h' },
    });
  });

  it('keeps our own sends (fromMe) as echoes, from the business to the contact', () => {
    const [event] = normalise(
      zapiInput({ ...received, fromMe: true, senderName: 'Clínica X', chatName: 'Maria' }),
    );
    expect(event.type).toBe('whatsapp.message.echo');
    expect(event.data).toMatchObject({ from: '554499999999', to: '5544999999999', contactName: 'Maria' });
  });

  it('reads group messages from their member', () => {
    const group = {
      ...received,
      isGroup: true,
      phone: '120363019502650977-group',
      participantPhone: '5544988887777',
    };
    expect(normalise(zapiInput(group))[0].data).toMatchObject({
      from: '5544988887777',
      isGroup: true,
      chatId: '120363019502650977-group',
    });
  });

  it('gives one status event per id of a MessageStatusCallback', () => {
    const body = {
      instanceId: 'instance.id',
      status: 'RECEIVED',
      ids: ['999999999999999999999', '888888888888888888888'],
      momment: 1632234645000,
      phoneDevice: 0,
      phone: '5544999999999',
      type: 'MessageStatusCallback',
      isGroup: false,
    };
    const events = normalise(zapiInput(body));
    expect(events.map((e) => [e.type, e.dedupeKey])).toEqual([
      ['whatsapp.message.status', 'status:999999999999999999999:RECEIVED'],
      ['whatsapp.message.status', 'status:888888888888888888888:RECEIVED'],
    ]);
    expect(events[1].data).toEqual({
      provider: 'zapi',
      messageId: '888888888888888888888',
      status: 'delivered',
      providerStatus: 'RECEIVED',
      recipient: '5544999999999',
      timestamp: '2021-09-21T14:30:45.000Z',
      instanceId: 'instance.id',
    });
    expect(normalise(zapiInput({ ...body, status: 'PLAYED' }))[0].data).toMatchObject({ status: 'read' });
  });

  it('reads a DeliveryCallback as sent, or failed when it carries an error', () => {
    const body = {
      phone: '554499999999',
      customId: '123',
      zaapId: 'Z1',
      messageId: 'M1',
      type: 'DeliveryCallback',
    };
    expect(normalise(zapiInput(body))[0]).toMatchObject({
      dedupeKey: 'status:M1:SENT',
      occurredAt: receivedAt,
      data: { status: 'sent', recipient: '554499999999' },
    });
    expect(normalise(zapiInput({ ...body, error: 'Number not on WhatsApp' }))[0].data).toMatchObject({
      status: 'failed',
      errorMessage: 'Number not on WhatsApp',
    });
  });

  it('reads DisconnectedCallback and ConnectedCallback as whatsapp.session.status', () => {
    const drop = {
      momment: 1580163342,
      error: 'Device has been disconnected',
      disconnected: true,
      type: 'DisconnectedCallback',
    };
    expect(normalise(zapiInput(drop))).toEqual([
      {
        type: 'whatsapp.session.status',
        occurredAt: new Date(1580163342000),
        dedupeKey: 'session:-:DisconnectedCallback:1580163342000',
        data: {
          provider: 'zapi',
          session: null,
          status: 'SCAN_QR_CODE',
          rawStatus: 'Device has been disconnected',
        },
      },
    ]);
    const [back] = normalise(
      zapiInput({ type: 'ConnectedCallback', instanceId: 'I1', momment: 1580163400000 }),
    );
    expect(back.data).toEqual({
      provider: 'zapi',
      session: 'I1',
      status: 'WORKING',
      rawStatus: 'ConnectedCallback',
    });
  });

  it('stores presence, newsletters and wrong shapes as zapi.unknown', () => {
    for (const body of [
      { type: 'PresenceChatCallback', phone: '5544999999999', status: 'COMPOSING', lastSeen: null },
      { ...received, isNewsletter: true },
      { ...received, messageId: { not: 'a string' } },
      { type: 'MessageStatusCallback', status: 'SENT', ids: 'not-an-array' },
      'ReceivedCallback',
    ]) {
      expect(normalise(zapiInput(body))).toEqual([
        {
          type: 'zapi.unknown',
          occurredAt: receivedAt,
          dedupeKey: expect.stringMatching(/^raw:/),
          data: { payload: body },
        },
      ]);
    }
  });

  it('gives stable keys', () => {
    expect(normalise(zapiInput(received))).toEqual(normalise(zapiInput(received)));
  });
});
