import {
  EVENT_TYPES,
  type CanonicalEvent,
  type NormaliseInput,
} from '../../../events/normalisers/canonical-event';
import {
  messageEvent,
  occurredAt,
  statusEvent,
  UNRECOGNISED,
  type Normalised,
} from '../../../events/normalisers/event-builders';
import type { DeliveryStatus, MessageContent } from '../../../events/normalisers/message-data';
import {
  addressOf,
  asArray,
  asNumber,
  asRecord,
  asText,
  compact,
  mediaRef,
  type Fields,
} from '../../../events/normalisers/payload-fields';

/** WAHA (WhatsApp HTTP API): `message`, `message.any` and `message.ack` events (reference §4.4). */

// ack -1 ERROR, 0 PENDING (queued on our side, counted as sent), 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED.
const ACKS = new Map<number, DeliveryStatus>([
  [-1, 'failed'],
  [0, 'sent'],
  [1, 'sent'],
  [2, 'delivered'],
  [3, 'read'],
  [4, 'read'],
]);
const ACK_NAMES = new Map<string, number>([
  ['ERROR', -1],
  ['PENDING', 0],
  ['SERVER', 1],
  ['DEVICE', 2],
  ['READ', 3],
  ['PLAYED', 4],
]);

// whatsapp-web.js message types (payload._data.type) that name a media kind.
const MEDIA_TYPES = new Map<string, MessageContent['kind']>([
  ['image', 'image'],
  ['video', 'video'],
  ['audio', 'audio'],
  ['ptt', 'audio'],
  ['document', 'document'],
  ['sticker', 'sticker'],
]);

export function* normaliseWaha(input: NormaliseInput): Generator<Normalised> {
  const body = asRecord(input.body);
  const payload = asRecord(body?.payload);
  const event = asText(body?.event);
  if (body && payload && (event === 'message' || event === 'message.any')) {
    yield messageOf(body, payload, input) ?? UNRECOGNISED;
  } else if (body && payload && event === 'message.ack') {
    yield ackOf(body, payload, input) ?? UNRECOGNISED;
  } else if (body && payload && event === 'session.status') {
    yield sessionOf(body, payload, input) ?? UNRECOGNISED;
  } else {
    // message.reaction, presence.update, group.*, call.*... are kept raw.
    yield UNRECOGNISED;
  }
}

/** `session.status`: the session's new status (STARTING, SCAN_QR_CODE, WORKING, FAILED, STOPPED). */
function sessionOf(body: Fields, p: Fields, input: NormaliseInput): CanonicalEvent | undefined {
  const session = asText(body.session);
  const status = asText(p.status);
  if (!session || !status) return undefined;
  const at = occurredAt(body.timestamp, input);
  const id = asText(body.id) ?? `${session}:${status}:${at.getTime()}`;
  return {
    type: EVENT_TYPES.whatsappSession,
    occurredAt: at,
    dedupeKey: `session:${id}`,
    data: { provider: 'waha', session, status },
  };
}

/** WEBJS ids are strings; some engines have sent `{_serialized}` objects. */
function idOf(value: unknown): string | undefined {
  return asText(value) ?? asText(asRecord(value)?._serialized);
}

function messageOf(body: Fields, p: Fields, input: NormaliseInput): CanonicalEvent | undefined {
  const messageId = idOf(p.id);
  const chat = asText(p.from);
  // Status (story) broadcasts and channel posts are not conversations with a customer: kept raw.
  if (!messageId || /@(broadcast|newsletter)$/.test(chat ?? '')) return undefined;
  const fromMe = p.fromMe === true;
  const isGroup = /@g\.us$/.test(chat ?? '');
  // In a group `from` is the group and `participant` the member who wrote.
  const rawFrom = isGroup ? (asText(p.participant) ?? chat) : chat;
  const data = asRecord(p._data);
  const at = occurredAt(p.timestamp, input);
  return messageEvent(
    fromMe ? EVENT_TYPES.whatsappEcho : EVENT_TYPES.whatsappReceived,
    {
      provider: 'waha',
      from: addressOf(rawFrom) ?? null,
      rawFrom: rawFrom ?? null,
      to: addressOf(asText(p.to)) ?? null,
      messageId,
      // notifyName on WEBJS, pushName on NOWEB; on an echo it would be our own name.
      contactName: fromMe ? null : (asText(data?.notifyName) ?? asText(data?.pushName) ?? null),
      ...contentOf(p, data),
      replyTo: asText(p.replyTo) ?? idOf(asRecord(p.replyTo)?.id),
      timestamp: at.toISOString(),
      isGroup: isGroup || undefined,
      chatId: isGroup ? chat : undefined,
      session: asText(body.session),
    },
    at,
  );
}

function contentOf(p: Fields, data: Fields | undefined): MessageContent {
  const type = asText(data?.type);
  const body = asText(p.body);
  const location = locationOf(p, data);
  if (location) return { kind: 'location', text: null, media: null, location };
  const vCards = asArray(p.vCards).filter((v) => typeof v === 'string');
  if (vCards.length > 0 || type === 'vcard' || type === 'multi_vcard') {
    return { kind: 'contacts', text: null, media: null, contacts: vCards.slice(0, 100) };
  }
  const media = asRecord(p.media);
  if (p.hasMedia === true || media || (type && MEDIA_TYPES.has(type))) {
    const mimeType = asText(media?.mimetype);
    const ref = mediaRef({
      url: asText(media?.url),
      mimeType,
      caption: body,
      filename: asText(media?.filename),
    });
    return { kind: mediaKind(type, mimeType), text: body ?? null, media: ref };
  }
  if (type === 'buttons_response' || type === 'list_response') {
    const id =
      asText(data?.selectedButtonId) ??
      asText(asRecord(asRecord(data?.listResponse)?.singleSelectReply)?.selectedRowId);
    return { kind: 'interactive', text: body ?? null, media: null, choice: compact({ id, title: body }) };
  }
  if (body !== undefined && (type === undefined || type === 'chat'))
    return { kind: 'text', text: body, media: null };
  return { kind: 'unknown', text: body ?? null, media: null, raw: p };
}

function mediaKind(type: string | undefined, mimeType: string | undefined): MessageContent['kind'] {
  const known = type && MEDIA_TYPES.get(type);
  if (known) return known;
  const family = mimeType?.split('/')[0];
  return family === 'image' || family === 'audio' || family === 'video' ? family : 'document';
}

/** Newer payloads have `location`; WEBJS only `_data.lat/lng` on a `location` message. */
function locationOf(p: Fields, data: Fields | undefined) {
  const loc = asRecord(p.location);
  const latitude = asNumber(loc?.latitude) ?? (data?.type === 'location' ? asNumber(data.lat) : undefined);
  const longitude = asNumber(loc?.longitude) ?? (data?.type === 'location' ? asNumber(data.lng) : undefined);
  if (latitude === undefined || longitude === undefined) return undefined;
  return compact({
    latitude,
    longitude,
    name: asText(loc?.name) ?? asText(loc?.description),
    address: asText(loc?.address),
    url: asText(loc?.url),
  });
}

function ackOf(body: Fields, p: Fields, input: NormaliseInput): CanonicalEvent | undefined {
  const messageId = idOf(p.id);
  const ackName = asText(p.ackName)?.toUpperCase();
  const ack = asNumber(p.ack) ?? (ackName ? ACK_NAMES.get(ackName) : undefined);
  const status = ack === undefined ? undefined : ACKS.get(ack);
  if (!messageId || ack === undefined || !status) return undefined;
  // The envelope's timestamp (ms) is when WAHA saw the ack; payload.timestamp is when the message was sent.
  const at = occurredAt(body.timestamp, input);
  return statusEvent(
    EVENT_TYPES.whatsappStatus,
    {
      provider: 'waha',
      messageId,
      status,
      providerStatus: ackName ?? String(ack),
      recipient: addressOf(recipientOf(p, messageId)) ?? null,
      timestamp: at.toISOString(),
      session: asText(body.session),
    },
    String(ack),
    at,
  );
}

/**
 * The other party of the chat: for our message, who it went to (`to`, else the chat inside the id
 * 'true_<chat>_<hash>'); for an inbound message we read, its sender.
 */
function recipientOf(p: Fields, messageId: string): string | undefined {
  if (p.fromMe === false) return asText(p.from);
  return asText(p.to) ?? /^(?:true|false)_([^_]+)_/.exec(messageId)?.[1] ?? asText(p.from);
}
