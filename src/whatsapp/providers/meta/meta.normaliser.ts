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
import type { DeliveryStatus, GeoLocation, MessageContent } from '../../../events/normalisers/message-data';
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

/** Meta WhatsApp Cloud API: `entry[].changes[].value.messages | statuses` (reference §1.4). */

// `played` (voice notes) implies the message was read.
const STATUSES = new Map<string, DeliveryStatus>([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'read'],
  ['played', 'read'],
  ['failed', 'failed'],
]);

const MEDIA_KINDS = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** What every message and status of one `change` shares: the business number it arrived on. */
type Business = { to: string | null; phoneNumberId?: string; names: Map<string, string> };

export function* normaliseMeta(input: NormaliseInput): Generator<Normalised> {
  const body = asRecord(input.body);
  // Other Graph objects (page, instagram) share the envelope but are not WhatsApp.
  if (
    !body ||
    !Array.isArray(body.entry) ||
    (body.object ?? 'whatsapp_business_account') !== 'whatsapp_business_account'
  ) {
    yield UNRECOGNISED;
    return;
  }
  for (const entry of body.entry) {
    const changes = asRecord(entry)?.changes;
    if (!Array.isArray(changes)) {
      yield UNRECOGNISED;
      continue;
    }
    for (const change of changes) yield* normaliseChange(asRecord(change), input);
  }
}

function* normaliseChange(change: Fields | undefined, input: NormaliseInput): Generator<Normalised> {
  const value = asRecord(change?.value);
  // Only the `messages` field carries messages and statuses; account_update, template status... are kept raw.
  if (!change || !value || (change.field ?? 'messages') !== 'messages') {
    yield UNRECOGNISED;
    return;
  }
  const { messages, statuses, errors } = value;
  if ((!Array.isArray(messages) && !Array.isArray(statuses)) || asArray(errors).length > 0)
    yield UNRECOGNISED;

  const metadata = asRecord(value.metadata);
  const phoneNumberId = asText(metadata?.phone_number_id);
  const business: Business = {
    to: asText(metadata?.display_phone_number) ?? phoneNumberId ?? null,
    phoneNumberId,
    names: contactNames(value.contacts),
  };
  for (const m of asArray(messages)) yield messageOf(asRecord(m), business, input) ?? UNRECOGNISED;
  for (const s of asArray(statuses)) yield statusOf(asRecord(s), business, input) ?? UNRECOGNISED;
}

/** contacts[].profile.name by wa_id, so each message gets its own sender's name. */
function contactNames(contacts: unknown): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of asArray(contacts)) {
    const contact = asRecord(c);
    const waId = asText(contact?.wa_id);
    const name = asText(asRecord(contact?.profile)?.name);
    if (waId && name) names.set(waId, name);
  }
  return names;
}

function messageOf(
  m: Fields | undefined,
  business: Business,
  input: NormaliseInput,
): CanonicalEvent | undefined {
  const messageId = asText(m?.id);
  if (!m || !messageId) return undefined;
  const rawFrom = asText(m.from);
  const at = occurredAt(m.timestamp, input);
  return messageEvent(
    EVENT_TYPES.whatsappReceived,
    {
      provider: 'meta',
      // `from` may be omitted for users with a username (BSUID rollout): then it is null.
      from: addressOf(rawFrom) ?? null,
      rawFrom: rawFrom ?? null,
      to: business.to,
      phoneNumberId: business.phoneNumberId,
      messageId,
      contactName: (rawFrom && business.names.get(rawFrom)) || null,
      ...contentOf(m),
      replyTo: asText(asRecord(m.context)?.id),
      referral: asRecord(m.referral),
      timestamp: at.toISOString(),
    },
    at,
  );
}

function contentOf(m: Fields): MessageContent {
  const type = asText(m.type) ?? 'unknown';
  const part = asRecord(m[type]);
  if (type === 'text') return { kind: 'text', text: asText(part?.body) ?? null, media: null };
  if (MEDIA_KINDS.has(type)) {
    const caption = asText(part?.caption);
    const media = part
      ? mediaRef({
          id: asText(part.id),
          url: asText(part.url),
          mimeType: asText(part.mime_type),
          caption,
          filename: asText(part.filename),
        })
      : null;
    return { kind: type as MessageContent['kind'], text: caption ?? null, media };
  }
  switch (type) {
    case 'location':
      return { kind: 'location', text: null, media: null, location: locationOf(part) };
    case 'contacts':
      return { kind: 'contacts', text: null, media: null, contacts: asArray(m.contacts).slice(0, 100) };
    case 'interactive':
      return interactiveOf(part);
    case 'button': {
      // Template quick reply: `payload` is what we set when sending the template.
      const title = asText(part?.text);
      return {
        kind: 'button',
        text: title ?? null,
        media: null,
        choice: compact({ id: asText(part?.payload), title }),
      };
    }
    case 'reaction': {
      const emoji = asText(part?.emoji); // absent when the reaction is removed
      return {
        kind: 'reaction',
        text: emoji ?? null,
        media: null,
        reaction: compact({ messageId: asText(part?.message_id), emoji }),
      };
    }
    default:
      // order, system, unsupported, request_welcome...: kept whole for whoever needs them.
      return { kind: 'unknown', text: null, media: null, raw: m };
  }
}

function locationOf(part: Fields | undefined): GeoLocation | undefined {
  const latitude = asNumber(part?.latitude);
  const longitude = asNumber(part?.longitude);
  if (latitude === undefined || longitude === undefined) return undefined;
  return compact({
    latitude,
    longitude,
    name: asText(part?.name),
    address: asText(part?.address),
    url: asText(part?.url),
  });
}

function interactiveOf(part: Fields | undefined): MessageContent {
  const reply = asRecord(part?.button_reply) ?? asRecord(part?.list_reply);
  if (reply) {
    const title = asText(reply.title);
    const choice = compact({ id: asText(reply.id), title, description: asText(reply.description) });
    return { kind: 'interactive', text: title ?? null, media: null, choice };
  }
  // Flow replies (nfm_reply) carry their answers in response_json: keep the whole object.
  const flow = asRecord(part?.nfm_reply);
  return { kind: 'interactive', text: asText(flow?.body) ?? null, media: null, raw: part };
}

function statusOf(
  s: Fields | undefined,
  business: Business,
  input: NormaliseInput,
): CanonicalEvent | undefined {
  const messageId = asText(s?.id);
  const providerStatus = asText(s?.status);
  const status = providerStatus && STATUSES.get(providerStatus);
  if (!s || !messageId || !providerStatus || !status) return undefined;
  const error = asRecord(asArray(s.errors)[0]);
  const at = occurredAt(s.timestamp, input);
  return statusEvent(
    EVENT_TYPES.whatsappStatus,
    {
      provider: 'meta',
      messageId,
      status,
      providerStatus,
      recipient: asText(s.recipient_id) ?? null,
      errorCode: asText(error?.code),
      errorMessage: asText(error?.title) ?? asText(error?.message),
      errorDetails: asText(asRecord(error?.error_data)?.details),
      timestamp: at.toISOString(),
      phoneNumberId: business.phoneNumberId,
      conversationId: asText(asRecord(s.conversation)?.id),
      pricingCategory: asText(asRecord(s.pricing)?.category),
      callbackData: asText(s.biz_opaque_callback_data),
    },
    providerStatus,
    at,
  );
}
