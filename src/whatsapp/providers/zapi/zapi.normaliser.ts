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

/** Z-API: ReceivedCallback, MessageStatusCallback, DeliveryCallback (reference §3.6–3.8). */

// RECEIVED means delivered to the phone; READ_BY_ME is our own operator reading an inbound
// message on the phone; PLAYED (voice note) implies read; PENDING is queued on our side.
const STATUSES = new Map<string, DeliveryStatus>([
  ['PENDING', 'sent'],
  ['SENT', 'sent'],
  ['RECEIVED', 'delivered'],
  ['DELIVERED', 'delivered'],
  ['READ', 'read'],
  ['READ_BY_ME', 'read'],
  ['PLAYED', 'read'],
  ['FAILED', 'failed'],
  ['ERROR', 'failed'],
]);

export function* normaliseZapi(input: NormaliseInput): Generator<Normalised> {
  const body = asRecord(input.body);
  const type = asText(body?.type);
  if (body && type === 'ReceivedCallback') yield receivedOf(body, input) ?? UNRECOGNISED;
  else if (body && type === 'MessageStatusCallback') yield* statusesOf(body, input);
  else if (body && type === 'DeliveryCallback') yield deliveryOf(body, input) ?? UNRECOGNISED;
  else if (body && (type === 'ConnectedCallback' || type === 'DisconnectedCallback'))
    yield sessionOf(body, type, input);
  // PresenceChatCallback... are kept raw.
  else yield UNRECOGNISED;
}

/**
 * The instance connected or lost its phone: WORKING, or waiting for its QR again. The documented
 * DisconnectedCallback has no instanceId: the session is then the workspace's Z-API instance.
 */
function sessionOf(b: Fields, type: string, input: NormaliseInput): CanonicalEvent {
  const session = asText(b.instanceId) ?? null;
  const connected = type === 'ConnectedCallback';
  const at = occurredAt(b.momment, input);
  return {
    type: EVENT_TYPES.whatsappSession,
    occurredAt: at,
    dedupeKey: `session:${session ?? '-'}:${type}:${at.getTime()}`,
    data: compact({
      provider: 'zapi',
      session,
      status: connected ? 'WORKING' : 'SCAN_QR_CODE',
      rawStatus: asText(b.error) ?? type,
    }),
  };
}

function receivedOf(b: Fields, input: NormaliseInput): CanonicalEvent | undefined {
  const messageId = asText(b.messageId);
  // Channel posts and status (story) broadcasts are not conversations with a customer: kept raw.
  if (!messageId || b.isNewsletter === true || b.broadcast === true) return undefined;
  const fromMe = b.fromMe === true;
  const isGroup = b.isGroup === true;
  const chat = asText(b.phone); // the chat: the customer, or the group id
  const business = asText(b.connectedPhone);
  // An echo of our own send goes from the business to the chat; a group message from its member.
  const rawFrom = fromMe ? business : isGroup ? (asText(b.participantPhone) ?? chat) : chat;
  const to = fromMe ? chat : business;
  const at = occurredAt(b.momment, input);
  return messageEvent(
    fromMe ? EVENT_TYPES.whatsappEcho : EVENT_TYPES.whatsappReceived,
    {
      provider: 'zapi',
      from: addressOf(rawFrom) ?? null,
      rawFrom: rawFrom ?? null,
      to: (to && addressOf(to)) ?? asText(b.instanceId) ?? null,
      messageId,
      // In a group chatName is the group; on an echo senderName is us.
      contactName: (fromMe ? asText(b.chatName) : (asText(b.senderName) ?? asText(b.chatName))) ?? null,
      ...contentOf(b),
      replyTo: asText(b.referenceMessageId),
      timestamp: at.toISOString(),
      isGroup: isGroup || undefined,
      chatId: isGroup ? chat : undefined,
      instanceId: asText(b.instanceId),
    },
    at,
  );
}

function contentOf(b: Fields): MessageContent {
  const part = (name: string) => asRecord(b[name]);
  const reaction = part('reaction');
  if (reaction) {
    const emoji = asText(reaction.value);
    const messageId = asText(asRecord(reaction.referencedMessage)?.messageId);
    return { kind: 'reaction', text: emoji ?? null, media: null, reaction: compact({ messageId, emoji }) };
  }
  // The docs show both {buttonId, message} and {buttonId, buttonText}: accept either.
  const button = part('buttonsResponseMessage');
  if (button) {
    const title = asText(button.message) ?? asText(button.buttonText);
    return {
      kind: 'interactive',
      text: title ?? null,
      media: null,
      choice: compact({ id: asText(button.buttonId), title }),
    };
  }
  const list = part('listResponseMessage');
  if (list) {
    const title = asText(list.title) ?? asText(list.message);
    const choice = compact({ id: asText(list.selectedRowId), title });
    return { kind: 'interactive', text: title ?? null, media: null, choice };
  }
  const text = part('text');
  if (text) return { kind: 'text', text: asText(text.message) ?? null, media: null };
  for (const kind of ['image', 'audio', 'video', 'document', 'sticker'] as const) {
    const media = part(kind);
    if (!media) continue;
    const caption = asText(media.caption);
    const ref = mediaRef({
      url: asText(media[`${kind}Url`]),
      mimeType: asText(media.mimeType),
      caption,
      filename: asText(media.fileName) ?? asText(media.title),
    });
    return { kind, text: caption ?? null, media: ref };
  }
  const location = part('location');
  if (location) {
    const latitude = asNumber(location.latitude);
    const longitude = asNumber(location.longitude);
    const geo =
      latitude !== undefined && longitude !== undefined
        ? compact({
            latitude,
            longitude,
            name: asText(location.name),
            address: asText(location.address),
            url: asText(location.url),
          })
        : undefined;
    return compact({ kind: 'location', text: null, media: null, location: geo });
  }
  const contact = part('contact');
  if (contact)
    return { kind: 'contacts', text: asText(contact.displayName) ?? null, media: null, contacts: [contact] };
  return { kind: 'unknown', text: null, media: null, raw: b };
}

/** One status event per id: Z-API reports a batch of messages reaching the same state at once. */
function* statusesOf(b: Fields, input: NormaliseInput): Generator<Normalised> {
  const providerStatus = asText(b.status);
  const status = providerStatus && STATUSES.get(providerStatus.toUpperCase());
  const ids = asArray(b.ids);
  if (!providerStatus || !status || ids.length === 0) {
    yield UNRECOGNISED;
    return;
  }
  const at = occurredAt(b.momment, input);
  for (const value of ids) {
    const messageId = asText(value);
    yield messageId
      ? statusEvent(
          EVENT_TYPES.whatsappStatus,
          {
            provider: 'zapi',
            messageId,
            status,
            providerStatus,
            recipient: addressOf(asText(b.phone)) ?? null,
            timestamp: at.toISOString(),
            instanceId: asText(b.instanceId),
          },
          providerStatus,
          at,
        )
      : UNRECOGNISED;
  }
}

/**
 * Z-API handed our queued message to WhatsApp: `sent`, or `failed` when it reports an error. Its key
 * matches a MessageStatusCallback SENT for the same id, which says the same thing.
 */
function deliveryOf(b: Fields, input: NormaliseInput): CanonicalEvent | undefined {
  const messageId = asText(b.messageId) ?? asText(b.id);
  if (!messageId) return undefined;
  const error = asText(b.error) ?? asText(asRecord(b.error)?.message);
  const providerStatus = error ? 'FAILED' : 'SENT';
  const at = occurredAt(b.momment, input);
  return statusEvent(
    EVENT_TYPES.whatsappStatus,
    {
      provider: 'zapi',
      messageId,
      status: error ? 'failed' : 'sent',
      providerStatus,
      recipient: addressOf(asText(b.phone)) ?? null,
      errorMessage: error,
      timestamp: at.toISOString(),
      instanceId: asText(b.instanceId),
    },
    providerStatus,
    at,
  );
}
