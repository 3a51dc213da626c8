import type { OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { needsChatLookup, wahaChatId, wahaFailure, wahaMessageId, wahaRequest } from './waha-messages';

const base: OutgoingMessage = {
  notificationId: 'n-1',
  channel: 'whatsapp',
  to: '+5531992953088',
  content: { subject: null, text: 'Olá, Maria!', html: null, whatsapp: null },
};
const CHAT = '553192953088@c.us';

describe('wahaRequest', () => {
  it('sends the rendered text to the chat id, ignoring any approved template', () => {
    const withTemplate = {
      ...base,
      content: { ...base.content, whatsapp: { name: 't', language: 'pt-BR', parameters: [] } },
    };
    expect(wahaRequest(withTemplate, 'default', CHAT)).toEqual({
      path: '/api/sendText',
      body: { session: 'default', chatId: CHAT, text: 'Olá, Maria!' },
    });
  });

  it('sends media as sendImage / sendFile with a mimetype, the text as caption', () => {
    expect(wahaRequest({ ...base, media: { type: 'image', url: 'https://x/a.PNG' } }, 's', CHAT)).toEqual({
      path: '/api/sendImage',
      body: {
        session: 's',
        chatId: CHAT,
        file: { url: 'https://x/a.PNG', mimetype: 'image/png', filename: 'a.PNG' },
        caption: 'Olá, Maria!',
      },
    });
    const file = wahaRequest(
      { ...base, media: { type: 'document', url: 'https://x/d', filename: 'b.pdf' } },
      's',
      CHAT,
    );
    expect(file).toMatchObject({
      path: '/api/sendFile',
      body: { file: { url: 'https://x/d', mimetype: 'application/pdf', filename: 'b.pdf' } },
    });
  });

  it('lists button titles under the text', () => {
    const req = wahaRequest(
      {
        ...base,
        buttons: [
          { id: 'y', title: 'Sim' },
          { id: 'n', title: 'Não' },
        ],
      },
      's',
      CHAT,
    );
    expect(req.body.text).toBe('Olá, Maria!\n\n1. Sim\n2. Não');
  });
});

describe('chat ids', () => {
  it('looks up Brazilian numbers only', () => {
    expect(needsChatLookup('+5531992953088')).toBe(true);
    expect(needsChatLookup('+553133334444')).toBe(true);
    expect(needsChatLookup('+14155238886')).toBe(false);
    expect(wahaChatId('+14155238886')).toBe('14155238886@c.us');
  });
});

describe('wahaMessageId: the three engines answer a send differently', () => {
  const serialized = `true_${CHAT}_3EB0ABCDEF0123456789`;

  it('GOWS: the serialized id as a string', () => {
    expect(wahaMessageId({ id: serialized, _data: {} })).toBe(serialized);
  });

  it('WEBJS: a whatsapp-web.js Message with an id object (or only under _data)', () => {
    const id = { fromMe: true, remote: CHAT, id: '3EB0ABCDEF0123456789', _serialized: serialized };
    expect(wahaMessageId({ id, _data: { id } })).toBe(serialized);
    expect(wahaMessageId({ _data: { id } })).toBe(serialized);
  });

  it('NOWEB: a Baileys key, serialized as WAHA serializes its acks', () => {
    const answer = {
      key: { remoteJid: '553192953088@s.whatsapp.net', fromMe: true, id: '3EB0ABCDEF0123456789' },
      message: { extendedTextMessage: { text: 'Olá' } },
      messageTimestamp: '1738070128',
      status: 'PENDING',
    };
    expect(wahaMessageId(answer)).toBe(serialized);
  });

  it('an empty answer has no id', () => {
    expect(wahaMessageId(undefined)).toBeUndefined();
    expect(wahaMessageId({})).toBeUndefined();
  });
});

describe('wahaFailure', () => {
  it('a session that is not WORKING is transient', () => {
    const body = {
      error: 'Session status is not as expected. Try again later or restart the session',
      session: 'default',
      status: 'SCAN_QR_CODE',
      expected: ['WORKING'],
    };
    expect(wahaFailure(422, body)).toMatchObject({ kind: 'transient', code: 'session_not_working' });
  });

  it.each([
    [500, { statusCode: 500, exception: { message: 'boom' } }, 'transient', 'boom'],
    [429, undefined, 'transient', 'HTTP 429'],
    [401, { message: 'Unauthorized', statusCode: 401 }, 'permanent', 'Unauthorized'],
    [400, { message: ['chatId must be a string'], statusCode: 400 }, 'permanent', 'chatId must be a string'],
    [422, { message: 'Available only in Plus version' }, 'permanent', 'Available only in Plus version'],
  ])('HTTP %s is %s', (status, body, kind, message) => {
    expect(wahaFailure(status, body)).toMatchObject({ kind, message });
  });
});
