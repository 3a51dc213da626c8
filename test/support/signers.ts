import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * How each provider signs, written from its documentation (independently of Ponte's verifiers),
 * so a test request is what the real provider would send.
 */
export const sign = {
  meta: (appSecret: string, body: string) =>
    `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
  waha: (hmacKey: string, body: string) => createHmac('sha512', hmacKey).update(body).digest('hex'),
  twilio: (authToken: string, url: string, params: Record<string, string>) =>
    createHmac('sha1', authToken)
      .update(
        url +
          Object.keys(params)
            .sort()
            .map((k) => k + params[k])
            .join(''),
      )
      .digest('base64'),
  standard: (secret: string, body: string, at = new Date(), id = `msg_${randomUUID()}`) => {
    const signature = new Webhook(secret).sign(id, at, body);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
  },
};

/** A Meta Cloud API webhook with one text message (real envelope shape). */
export function metaTextMessage(
  opts: { id?: string; from?: string; text?: string; name?: string } = {},
): string {
  const from = opts.from ?? '5531992953088';
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: opts.name ?? 'Maria Souza' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: opts.id ?? `wamid.${randomUUID().replace(/-/g, '')}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: opts.text ?? 'Olá, quero marcar um horário' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

export function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}
