import type { OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { zapiFailure, zapiRequest } from './zapi-messages';

const base: OutgoingMessage = {
  notificationId: 'n-1',
  channel: 'whatsapp',
  to: '+5531992953088',
  content: { subject: null, text: 'Olá, Maria!', html: null, whatsapp: null },
};

describe('zapiRequest', () => {
  it('sends the rendered text to the digits of the number, ignoring any approved template', () => {
    const withTemplate = {
      ...base,
      content: { ...base.content, whatsapp: { name: 'lead_welcome', language: 'pt-BR', parameters: [] } },
    };
    expect(zapiRequest(withTemplate)).toEqual({
      method: 'send-text',
      body: { phone: '5531992953088', message: 'Olá, Maria!' },
    });
  });

  it('sends reply buttons as send-button-list with id and label', () => {
    const req = zapiRequest({ ...base, buttons: [{ id: 'yes', title: 'Sim' }] });
    expect(req).toEqual({
      method: 'send-button-list',
      body: {
        phone: '5531992953088',
        message: 'Olá, Maria!',
        buttonList: { buttons: [{ id: 'yes', label: 'Sim' }] },
      },
    });
  });

  it('sends an image with the text as caption, a document with its extension in the path', () => {
    expect(zapiRequest({ ...base, media: { type: 'image', url: 'https://x/a.png' } })).toEqual({
      method: 'send-image',
      body: { phone: '5531992953088', image: 'https://x/a.png', caption: 'Olá, Maria!' },
    });
    expect(
      zapiRequest({ ...base, media: { type: 'document', url: 'https://x/files/Boleto%201.PDF?sig=1' } }),
    ).toEqual({
      method: 'send-document/pdf',
      body: {
        phone: '5531992953088',
        document: 'https://x/files/Boleto%201.PDF?sig=1',
        fileName: 'Boleto 1.PDF',
        caption: 'Olá, Maria!',
      },
    });
    expect(
      zapiRequest({ ...base, media: { type: 'document', url: 'https://x/d', filename: 'contrato.docx' } })
        .method,
    ).toBe('send-document/docx');
  });

  it('sends an image whose text ends with a link as a send-link preview card', () => {
    const req = zapiRequest({
      ...base,
      content: { ...base.content, text: 'Veja a agenda: https://clinica.com.br/agenda' },
      media: { type: 'image', url: 'https://x/logo.png' },
    });
    expect(req).toEqual({
      method: 'send-link',
      body: {
        phone: '5531992953088',
        message: 'Veja a agenda: https://clinica.com.br/agenda',
        image: 'https://x/logo.png',
        linkUrl: 'https://clinica.com.br/agenda',
        title: 'clinica.com.br',
        linkDescription: 'Veja a agenda:',
        linkType: 'LARGE',
      },
    });
  });
});

describe('zapiFailure', () => {
  it.each([
    [500, undefined, 'transient', 'http_500'],
    [429, { error: 'Too many requests' }, 'transient', 'http_429'],
    [400, { error: 'Phone number does not exist' }, 'permanent', 'http_400'],
    [401, { error: 'Client-Token x not allowed' }, 'permanent', 'http_401'],
    [404, { error: 'Instance not found' }, 'permanent', 'http_404'],
    [400, { error: 'null not allowed' }, 'permanent', 'http_400'],
  ])('HTTP %s %j is %s', (status, body, kind, code) => {
    expect(zapiFailure(status, body)).toMatchObject({ kind, code });
  });

  it('a disconnected instance is transient whatever the status: the phone may come back', () => {
    expect(zapiFailure(400, { error: 'You are not connected.' })).toMatchObject({
      kind: 'transient',
      code: 'instance_disconnected',
      message: 'You are not connected.',
    });
    expect(zapiFailure(400, { error: 'You need to restore the session.' }).kind).toBe('transient');
  });
});
