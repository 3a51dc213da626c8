import type { FailureKind, OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { SendFailure } from '../../../notifications/providers/provider-adapter';

/** WAHA request bodies, answers and error handling (reference §4.1–4.3), free of I/O. */

export interface WahaError {
  /** `Session status is not as expected…` (422), or the reason phrase of a NestJS error. */
  error?: string;
  /** NestJS errors: a string, or the validation messages of a 400. */
  message?: string | string[];
  exception?: { message?: string };
  /** Of a 422 for a session that is not WORKING: its status and what was expected. */
  status?: string;
  expected?: string[];
}

export interface WahaRequest {
  path: string;
  body: Record<string, unknown>;
}

/** The chat of a phone number as WAHA names it: `5531992953088@c.us`. */
export const wahaChatId = (e164: string): string => `${e164.replace(/\D/g, '')}@c.us`;

/**
 * Brazilian mobiles: WhatsApp accounts created before the 9th digit keep the 8-digit id, and a send
 * to the other form is accepted but never delivered. WAHA's check-exists answers the real chat id.
 */
export const needsChatLookup = (e164: string): boolean => /^\+?55\d{10,11}$/.test(e164);

/**
 * The send call for a message to `chatId`. WAHA has no 24-hour window and no approved templates:
 * the rendered text is sent (`content.whatsapp` is ignored). Buttons are not reliably delivered by
 * any WAHA engine, so their titles are listed under the text instead.
 */
export function wahaRequest(message: OutgoingMessage, session: string, chatId: string): WahaRequest {
  let text = message.content.text;
  if (message.buttons?.length)
    text = `${text}\n\n${message.buttons.map((b, i) => `${i + 1}. ${b.title}`).join('\n')}`;
  const { media } = message;
  if (media) {
    const filename = media.filename ?? fileNameOf(media.url);
    const file = { url: media.url, mimetype: mimeTypeOf(media.type, filename), filename };
    const path = media.type === 'image' ? '/api/sendImage' : '/api/sendFile';
    return { path, body: { session, chatId, file, caption: text || undefined } };
  }
  return { path: '/api/sendText', body: { session, chatId, text } };
}

/**
 * The id `message.ack` webhooks will carry (`true_<chat>@c.us_<id>`), from whichever of the
 * engines' answers to a send arrived (issue #760):
 * - GOWS (and WAHA's documented WAMessage): `{id: "true_…@c.us_3EB0…", _data}`;
 * - WEBJS: a whatsapp-web.js Message, `{id: {fromMe, remote, id, _serialized}, _data: {id: {…}}}`;
 * - NOWEB: a Baileys WebMessageInfo, `{key: {remoteJid: "…@s.whatsapp.net", fromMe, id}}`, whose
 *   serialized form WAHA builds the same way for its acks.
 * Some WEBJS builds answer an empty body (issue #1087): undefined then.
 */
export function wahaMessageId(answer: unknown): string | undefined {
  const a = record(answer);
  if (!a) return undefined;
  if (typeof a.id === 'string' && a.id) return a.id;
  const serialized = record(a.id)?._serialized ?? record(record(a._data)?.id)?._serialized;
  if (typeof serialized === 'string' && serialized) return serialized;
  const key = record(a.key);
  if (key && typeof key.id === 'string' && typeof key.remoteJid === 'string')
    return `${key.fromMe !== false}_${toCus(key.remoteJid)}_${key.id}`;
  return undefined;
}

/** `5531…:12@s.whatsapp.net` → `5531…@c.us`, as WAHA writes chat ids in its events. */
function toCus(jid: string): string {
  const [user, server] = jid.split('@');
  return server === 's.whatsapp.net' ? `${user.split(':')[0]}@c.us` : jid;
}

/** NestJS errors put the detail in `message` and the reason phrase in `error`; WAHA's 422 only `error`. */
export function wahaErrorText(status: number, body: WahaError | undefined): string {
  const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
  return message || body?.exception?.message || body?.error || `HTTP ${status}`;
}

/**
 * The failure a non-2xx answer means. A session that is not WORKING (422: STARTING, SCAN_QR_CODE,
 * FAILED, STOPPED) is transient: the phone reconnects or an operator scans the QR code again, and
 * the notification should wait for it rather than leave this provider for good.
 */
export function wahaFailure(status: number, body: WahaError | undefined): SendFailure {
  const text = wahaErrorText(status, body);
  if (status === 422 && (Array.isArray(body?.expected) || /session status/i.test(text)))
    return new SendFailure('transient', 'session_not_working', `${text} (${body?.status ?? '?'})`);
  return new SendFailure(classifyWahaStatus(status), `http_${status}`, text);
}

/** 429 and 5xx pass; 400 (bad chat id), 401 (X-Api-Key), 404 (unknown session) and 422 do not. */
export function classifyWahaStatus(status: number): FailureKind {
  return status === 429 || status >= 500 ? 'transient' : 'permanent';
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  txt: 'text/plain',
  zip: 'application/zip',
};

/** WAHA wants the file's mimetype; from its extension, else a safe default of the kind. */
function mimeTypeOf(type: 'image' | 'document', filename: string | undefined): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? '')?.[1]?.toLowerCase();
  return (ext && MIME[ext]) ?? (type === 'image' ? 'image/jpeg' : 'application/octet-stream');
}

function fileNameOf(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
