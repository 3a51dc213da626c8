import { sha256Hex } from '../../../platform/crypto/constant-time';
import { parse as parseForm } from 'qs';
import {
  EVENT_TYPES,
  type CanonicalEvent,
  type NormaliseInput,
} from '../../../events/normalisers/canonical-event';
import { occurredAt, UNRECOGNISED, type Normalised } from '../../../events/normalisers/event-builders';
import { asList, asRecord, asText, compact, type Fields } from '../../../events/normalisers/payload-fields';

/**
 * Bitrix24 event handlers: form-encoded with PHP bracket keys (`data[MESSAGES][0][im][chat_id]`),
 * parsed from the raw bytes (reference §5.5). `auth[...]` holds OAuth tokens and the application
 * token: it never reaches event data.
 */

// data[MESSAGES][0][message][files][0][link] is 6 levels deep; qs's default (5) would flatten the rest.
const FORM_OPTIONS = { depth: 8, arrayLimit: 100, parameterLimit: 10_000, plainObjects: true } as const;

// Operators rarely attach more than a few files; the cap keeps one event small.
const MAX_FILES = 50;

const EVENT_NAME = /^[A-Z0-9_]{1,100}$/;

type Portal = { domain: string | null; memberId: string | null };

/** The event as nested objects, from the raw form; a JSON body (as the docs render it) is accepted too. */
export function parseBitrix24(input: NormaliseInput): Fields | undefined {
  let parsed: Fields | undefined;
  try {
    const raw = Buffer.isBuffer(input.rawBody) ? input.rawBody.toString('utf8') : '';
    parsed = asRecord(parseForm(raw, FORM_OPTIONS));
  } catch {
    parsed = undefined;
  }
  if (parsed && asText(parsed.event)) return parsed;
  const body = asRecord(input.body);
  return body && asText(body.event) ? body : parsed;
}

/** What an unrecognised Bitrix24 payload is stored as: everything but its credentials. */
export function bitrix24UnknownPayload(input: NormaliseInput): Fields {
  const form = parseBitrix24(input) ?? {};
  // `auth` nested (qs) or flat (`auth[access_token]` from a flat form parser).
  return Object.fromEntries(
    Object.entries(form).filter(([key]) => key !== 'auth' && !key.startsWith('auth[')),
  );
}

export function* normaliseBitrix24(input: NormaliseInput): Generator<Normalised> {
  const form = parseBitrix24(input);
  const event = asText(form?.event)?.toUpperCase();
  if (!form || !event || !EVENT_NAME.test(event)) {
    yield UNRECOGNISED;
    return;
  }
  const auth = asRecord(form.auth);
  const portal: Portal = { domain: asText(auth?.domain) ?? null, memberId: asText(auth?.member_id) ?? null };
  const at = occurredAt(form.ts, input);
  if (event === 'ONIMCONNECTORMESSAGEADD') {
    yield* operatorMessages(asRecord(form.data), portal, at);
    return;
  }
  const data = asRecord(form.data);
  // Bitrix24 does not retry handlers, so event + portal + time + data identify one call.
  const dedupeKey = `b24:${event}:${portal.memberId ?? '-'}:${asText(form.ts) ?? '-'}:${sha256Hex(JSON.stringify(data ?? null))}`;
  if (event === 'ONAPPINSTALL') {
    yield {
      type: EVENT_TYPES.bitrix24Installed,
      occurredAt: at,
      dedupeKey,
      data: compact({
        provider: 'bitrix24',
        ...portal,
        version: asText(data?.VERSION),
        languageId: asText(data?.LANGUAGE_ID),
        timestamp: at.toISOString(),
      }),
    };
    return;
  }
  yield {
    type: `bitrix24.${event.toLowerCase()}`,
    occurredAt: at,
    dedupeKey,
    data: { provider: 'bitrix24', event, ...portal, data: data ?? null, timestamp: at.toISOString() },
  };
}

/** One `crm.message.outbound` per operator reply in data[MESSAGES]. */
function* operatorMessages(data: Fields | undefined, portal: Portal, at: Date): Generator<Normalised> {
  const messages = asList(data?.MESSAGES);
  if (!data || messages.length === 0) {
    yield UNRECOGNISED;
    return;
  }
  const connector = asText(data.CONNECTOR) ?? null;
  const line = asText(data.LINE) ?? null;
  for (const item of messages)
    yield operatorMessage(asRecord(item), { connector, line }, portal, at) ?? UNRECOGNISED;
}

function operatorMessage(
  item: Fields | undefined,
  channel: { connector: string | null; line: string | null },
  portal: Portal,
  at: Date,
): CanonicalEvent | undefined {
  const im = asRecord(item?.im);
  const message = asRecord(item?.message);
  const messageId = asText(im?.message_id);
  if (!messageId) return undefined;
  const chatId = asText(im?.chat_id) ?? null;
  return {
    type: EVENT_TYPES.crmOutbound,
    occurredAt: at,
    dedupeKey: `b24:ONIMCONNECTORMESSAGEADD:${portal.memberId ?? '-'}:${chatId ?? '-'}:${messageId}`,
    data: compact({
      provider: 'bitrix24',
      ...channel,
      // Bitrix24's Open Channel chat, needed to confirm delivery (imconnector.send.status.delivery im.chat_id).
      chatId,
      // Our external user/chat id, i.e. the wa_id we gave imconnector.send.messages.
      userId: asText(asRecord(item?.chat)?.id) ?? null,
      // The Bitrix24 operator who wrote the reply.
      operatorId: asText(message?.user_id),
      messageId,
      // Raw BB-code ([b]Name:[/b] [br]...): converting it for WhatsApp is the CRM bridge's job.
      text: asText(message?.text) ?? null,
      files: asList(message?.files).slice(0, MAX_FILES).map(fileOf),
      ...portal,
      timestamp: at.toISOString(),
    }),
  };
}

function fileOf(value: unknown) {
  const file = asRecord(value);
  return compact({
    type: asText(file?.type),
    url: asText(file?.link),
    downloadUrl: asText(file?.downloadLink),
    name: asText(file?.name),
    mimeType: asText(file?.mime),
    size: asText(file?.size),
  });
}
