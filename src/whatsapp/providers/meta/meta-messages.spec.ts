import type { OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { classifyMetaCode, metaFailure, metaMessageBody } from './meta-messages';

const base: OutgoingMessage = {
  notificationId: 'n-1',
  channel: 'whatsapp',
  to: '+5531992953088',
  content: { subject: null, text: 'Olá, Maria!', html: null, whatsapp: null },
};

describe('metaMessageBody', () => {
  it('sends free text to the digits of the number', () => {
    expect(metaMessageBody(base)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5531992953088',
      biz_opaque_callback_data: 'n-1',
      type: 'text',
      text: { preview_url: false, body: 'Olá, Maria!' },
    });
  });

  it('sends an approved template with its body parameters and Meta language code', () => {
    const body = metaMessageBody({
      ...base,
      content: {
        ...base.content,
        whatsapp: { name: 'lead_welcome', language: 'pt-BR', parameters: ['Maria', 'Clínica X'] },
      },
    });
    expect(body).toMatchObject({
      type: 'template',
      template: {
        name: 'lead_welcome',
        language: { code: 'pt_BR', policy: 'deterministic' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'Clínica X' },
            ],
          },
        ],
      },
    });
  });

  it('sends media with the text as caption, and reply buttons as interactive', () => {
    expect(
      metaMessageBody({ ...base, media: { type: 'document', url: 'https://x/b.pdf', filename: 'b.pdf' } }),
    ).toMatchObject({
      type: 'document',
      document: { link: 'https://x/b.pdf', filename: 'b.pdf', caption: 'Olá, Maria!' },
    });
    expect(metaMessageBody({ ...base, buttons: [{ id: 'yes', title: 'Sim' }] })).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Olá, Maria!' },
        action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Sim' } }] },
      },
    });
  });
});

describe('Meta failures', () => {
  it.each([
    [130429, 'transient'],
    [131056, 'transient'],
    [131026, 'permanent'],
    [190, 'permanent'],
    [131047, 'channel'],
  ])('code %s is %s', (code, kind) => {
    expect(classifyMetaCode(code)).toBe(kind);
    expect(metaFailure(400, { error: { code, message: 'x' } }).kind).toBe(kind);
  });

  it('falls back on the HTTP status when there is no code', () => {
    expect(metaFailure(500, undefined)).toMatchObject({ kind: 'transient', code: 'http_500' });
    expect(metaFailure(404, undefined)).toMatchObject({ kind: 'permanent', code: 'http_404' });
  });

  it('keeps the error details in the message', () => {
    expect(
      metaFailure(400, {
        error: { code: 131026, message: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } },
      }).message,
    ).toBe('Message undeliverable: not on WhatsApp');
  });
});
