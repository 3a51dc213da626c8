import {
  EVENT_TYPES,
  type CanonicalEvent,
  type NormaliseInput,
} from '../../../events/normalisers/canonical-event';
import {
  messageEvent,
  statusEvent,
  UNRECOGNISED,
  type Normalised,
} from '../../../events/normalisers/event-builders';
import {
  MESSAGE_KINDS,
  type DeliveryStatus,
  type MediaRef,
  type MessageContent,
} from '../../../events/normalisers/message-data';
import {
  addressOf,
  asNumber,
  asRecord,
  asText,
  compact,
  mediaRef,
  type Fields,
} from '../../../events/normalisers/payload-fields';

/** Twilio Programmable Messaging: inbound messages and status callbacks, form-encoded (reference §2.2–2.3). */

// Twilio's pre-send states (queued, sending, accepted, scheduled) count as `sent`: the message has
// left our hands; `providerStatus` keeps the exact word.
const STATUSES = new Map<string, DeliveryStatus>([
  ['accepted', 'sent'],
  ['scheduled', 'sent'],
  ['queued', 'sent'],
  ['sending', 'sent'],
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['partially_delivered', 'delivered'],
  ['read', 'read'],
  ['undelivered', 'failed'],
  ['failed', 'failed'],
  ['canceled', 'failed'],
]);

// Statuses Twilio puts on inbound messages: the request is the message itself.
const INBOUND_STATUSES = new Set(['received', 'receiving']);

// Twilio allows at most 10 media per message.
const MAX_MEDIA = 10;

type Channel = 'whatsapp' | 'sms';

/** One form field; repeated keys arrive as arrays and the first value wins. */
function field(form: Fields, name: string): string | undefined {
  const value = form[name];
  return asText(Array.isArray(value) ? value[0] : value);
}

export function* normaliseTwilio(input: NormaliseInput): Generator<Normalised> {
  const form = asRecord(input.body);
  const sid = form && (field(form, 'MessageSid') ?? field(form, 'SmsMessageSid') ?? field(form, 'SmsSid'));
  const channel = form && channelOf(form);
  if (!form || !sid || !channel) {
    yield UNRECOGNISED;
    return;
  }
  const providerStatus = field(form, 'MessageStatus') ?? field(form, 'SmsStatus');
  const event =
    providerStatus && !INBOUND_STATUSES.has(providerStatus)
      ? statusOf(form, sid, providerStatus, channel, input)
      : messageOf(form, sid, channel, input);
  yield event ?? UNRECOGNISED;
}

/**
 * 'whatsapp:' on either address means WhatsApp; plain numbers (or alphanumeric sender ids) mean SMS.
 * Other channel prefixes (messenger:, rcs:) are neither, so they stay unrecognised.
 */
function channelOf(form: Fields): Channel | undefined {
  const addresses = [field(form, 'From'), field(form, 'To')].map((a) => a?.trim().toLowerCase() ?? '');
  if (addresses.some((a) => a.startsWith('whatsapp:'))) return 'whatsapp';
  if (addresses.some((a) => /^[a-z][a-z0-9-]*:/.test(a))) return undefined;
  return 'sms';
}

function messageOf(
  form: Fields,
  messageId: string,
  channel: Channel,
  input: NormaliseInput,
): CanonicalEvent | undefined {
  const rawFrom = field(form, 'From');
  if (!rawFrom) return undefined;
  // Inbound requests carry no timestamp: the receipt time is the best we have.
  const at = input.receivedAt;
  return messageEvent(
    channel === 'whatsapp' ? EVENT_TYPES.whatsappReceived : EVENT_TYPES.smsReceived,
    {
      provider: 'twilio',
      // WaId is the sender's wa_id exactly as WhatsApp knows it (Brazil's 9th digit included or not).
      from: (channel === 'whatsapp' ? field(form, 'WaId') : undefined) ?? addressOf(rawFrom) ?? null,
      rawFrom,
      to: addressOf(field(form, 'To')) ?? null,
      messageId,
      contactName: field(form, 'ProfileName') ?? null,
      ...contentOf(form),
      replyTo: field(form, 'OriginalRepliedMessageSid'),
      timestamp: at.toISOString(),
    },
    at,
  );
}

function contentOf(form: Fields): MessageContent {
  const body = field(form, 'Body');
  const media: MediaRef[] = [];
  const count = Math.min(asNumber(field(form, 'NumMedia')) ?? 0, MAX_MEDIA);
  for (let i = 0; i < count; i++) {
    const ref = mediaRef({ url: field(form, `MediaUrl${i}`), mimeType: field(form, `MediaContentType${i}`) });
    if (ref) media.push(ref);
  }
  const latitude = asNumber(field(form, 'Latitude'));
  const longitude = asNumber(field(form, 'Longitude'));
  const location =
    latitude !== undefined && longitude !== undefined
      ? compact({ latitude, longitude, name: field(form, 'Label'), address: field(form, 'Address') })
      : undefined;
  // Quick-reply buttons send ButtonText/ButtonPayload; list pickers ListId/ListTitle.
  const choiceTitle = field(form, 'ButtonText') ?? field(form, 'ListTitle');
  const choiceId = field(form, 'ButtonPayload') ?? field(form, 'ListId');
  const choice = choiceTitle || choiceId ? compact({ id: choiceId, title: choiceTitle }) : undefined;

  const kind = kindOf(field(form, 'MessageType'), {
    media,
    location,
    choice,
    body,
    listed: !!field(form, 'ListId'),
  });
  const [first, ...rest] = media;
  return compact({
    kind,
    text: body ?? choiceTitle ?? null,
    media: first ? compact({ ...first, caption: body }) : null,
    additionalMedia: rest.length > 0 ? rest : undefined,
    location,
    choice,
  });
}

/** MessageType when Twilio sends it, else guessed from the fields present. */
function kindOf(
  messageType: string | undefined,
  seen: { media: MediaRef[]; location?: object; choice?: object; body?: string; listed: boolean },
): MessageContent['kind'] {
  if (messageType && MESSAGE_KINDS.has(messageType)) return messageType as MessageContent['kind'];
  if (seen.location) return 'location';
  if (seen.choice) return seen.listed ? 'interactive' : 'button';
  const mime = seen.media[0]?.mimeType;
  if (seen.media.length > 0) {
    const family = mime?.split('/')[0];
    return family === 'image' || family === 'audio' || family === 'video' ? family : 'document';
  }
  return seen.body !== undefined ? 'text' : 'unknown';
}

function statusOf(
  form: Fields,
  messageId: string,
  providerStatus: string,
  channel: Channel,
  input: NormaliseInput,
): CanonicalEvent | undefined {
  const status = STATUSES.get(providerStatus.toLowerCase());
  if (!status) return undefined;
  const at = input.receivedAt;
  return statusEvent(
    channel === 'whatsapp' ? EVENT_TYPES.whatsappStatus : EVENT_TYPES.smsStatus,
    {
      provider: 'twilio',
      messageId,
      status,
      providerStatus,
      recipient: addressOf(field(form, 'To')) ?? null,
      errorCode: field(form, 'ErrorCode'),
      errorMessage: field(form, 'ErrorMessage'),
      timestamp: at.toISOString(),
    },
    providerStatus,
    at,
  );
}
