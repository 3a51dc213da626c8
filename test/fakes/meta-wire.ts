// Wire-level pieces of the fake Meta Graph API: the error envelope and code table (providers.md §1.7),
// wamid generation, Meta's webhook JSON encoding and the per-type validation of send bodies (§1.5).
import { randomBytes } from 'node:crypto';
import { reply, type FakeResponse } from './fake-server';

const HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** Titles and details of the codes a test is likely to ask for (providers.md §1.7). */
const CODES: Record<number, { title: string; details: string; status?: number }> = {
  190: { title: 'Invalid OAuth access token - Cannot parse access token', details: '', status: 401 },
  368: { title: 'Temporarily blocked for policies violations', details: 'Policy violation.', status: 403 },
  130429: { title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  131009: { title: 'Parameter value is not valid', details: 'Message ID is not valid.' },
  131026: {
    title: 'Message undeliverable',
    details: 'Unable to deliver message. The recipient may not be a WhatsApp user or may have blocked you.',
  },
  131030: {
    title: 'Recipient phone number not in allowed list',
    details:
      'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
  },
  131031: { title: 'Account has been locked', details: 'Business account locked.', status: 403 },
  131047: {
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: {
    title: 'Spam rate limit hit',
    details: 'Message failed to send because of quality restrictions.',
  },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: '' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  132001: { title: 'Template name does not exist in the translation', details: 'Template not found.' },
};

export const digits = (phone: string): string => phone.replace(/\D/g, '');
export const isObject = (x: unknown): x is Record<string, any> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
export const nonEmpty = (x: unknown): x is string => typeof x === 'string' && x.trim() !== '';

/** The Graph error envelope. Build logic on `code`; the HTTP status is per Meta's table. */
export function metaError(code: number, message?: string, status?: number): FakeResponse {
  const known = CODES[code];
  const error: Record<string, unknown> = {
    message: `(#${code}) ${message ?? known?.title ?? 'Invalid parameter'}`,
    type: 'OAuthException',
    code,
    fbtrace_id: randomBytes(17).toString('base64url'),
  };
  if (known?.details) error.error_data = { messaging_product: 'whatsapp', details: known.details };
  const httpStatus = status ?? known?.status ?? 400;
  if (code !== 190) return reply.json({ error }, httpStatus);
  // Auth errors carry no `(#190)` prefix, and Graph adds the OAuth challenge header.
  error.message = known.title;
  return reply.json({ error }, httpStatus, {
    'www-authenticate': 'OAuth "Facebook Platform" "invalid_token"',
  });
}

/** Like a real wamid: base64 of a small protobuf-ish record holding the recipient and a random hex id. */
export function newWamid(to: string): string {
  const phone = Buffer.from(digits(to) || '0');
  const hex = Buffer.from(randomBytes(9).toString('hex').toUpperCase());
  const record = [Buffer.from([0x1c, 0x18, phone.length]), phone, Buffer.from([0x15, 2, 0, 0x11, 0x18, 18])];
  return `wamid.${Buffer.concat([...record, hex, Buffer.from([0])]).toString('base64')}`;
}

/** JSON as Meta serialises webhooks: non-ASCII as `\uXXXX` and `/` as `\/`, so re-serialising breaks HMACs. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The `errors[]` item of a failed status webhook (§1.4.2). */
export function metaAsyncError(code: number): Record<string, unknown> {
  const { title, details } = CODES[code] ?? { title: 'Unknown error', details: '' };
  return { code, title, message: title, error_data: { details }, href: HREF };
}

/** Why the type-specific object is invalid, or undefined when Graph would accept it. */
export function validate(type: string, part: unknown): string | undefined {
  if (!isObject(part)) return `The parameter ${type} is required.`;
  switch (type) {
    case 'text':
      return nonEmpty(part.body) ? undefined : "The parameter text['body'] is required.";
    case 'template':
      if (!nonEmpty(part.name)) return "The parameter template['name'] is required.";
      return isObject(part.language) && nonEmpty(part.language.code)
        ? undefined
        : "The parameter template['language']['code'] is required.";
    case 'image':
    case 'document':
      return nonEmpty(part.link) || nonEmpty(part.id)
        ? undefined
        : `Param ${type} must contain either id or link.`;
    default:
      return validateButtons(part);
  }
}

function validateButtons(part: Record<string, any>): string | undefined {
  if (part.type !== 'button')
    return `Param interactive['type'] must be one of {BUTTON} - got "${String(part.type)}".`;
  if (!isObject(part.body) || !nonEmpty(part.body.text))
    return "The parameter interactive['body']['text'] is required.";
  const buttons: unknown = isObject(part.action) ? part.action.buttons : undefined;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
    return "Param interactive['action']['buttons'] must have between 1 and 3 elements.";
  for (const button of buttons as unknown[]) {
    const r: unknown = isObject(button) && button.type === 'reply' ? button.reply : undefined;
    if (!isObject(r) || !nonEmpty(r.id) || !nonEmpty(r.title))
      return 'Each button needs type reply, reply.id and reply.title.';
    if (r.title.length > 20) return 'Button title length invalid. Min length: 1, Max length: 20';
    if (r.id.length > 256) return 'Button id length invalid. Max length: 256';
  }
  return undefined;
}
