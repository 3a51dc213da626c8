import { sha256Hex } from '../../platform/crypto/constant-time';
import { bitrix24UnknownPayload, normaliseBitrix24 } from './bitrix24.normaliser';
import type { CanonicalEvent, NormaliseInput } from './canonical-event';
import { rawKey, UNRECOGNISED, type Normaliser } from './event-builders';
import { normaliseMeta } from '../../whatsapp/providers/meta/meta.normaliser';
import { asRecord } from './payload-fields';
import { normaliseStandard } from './standard.normaliser';
import { normaliseTwilio } from '../../whatsapp/providers/twilio/twilio.normaliser';
import { normaliseWaha } from '../../whatsapp/providers/waha/waha.normaliser';
import { normaliseZapi } from '../../whatsapp/providers/zapi/zapi.normaliser';

/** Events taken from one payload; whatever lies beyond is kept in the '<provider>.unknown' event. */
export const MAX_EVENTS_PER_PAYLOAD = 1000;

// Unreadable parts count too, so a payload of a million garbage items is not walked to the end.
const MAX_ITEMS_PER_PAYLOAD = 2 * MAX_EVENTS_PER_PAYLOAD;

// Provider ids are untrusted and unbounded; the store indexes the key.
const MAX_KEY_LENGTH = 200;

const NORMALISERS: Record<NormaliseInput['kind'], Normaliser> = {
  meta: normaliseMeta,
  twilio: normaliseTwilio,
  zapi: normaliseZapi,
  waha: normaliseWaha,
  bitrix24: normaliseBitrix24,
  standard: normaliseStandard,
};

/** How each kind's unreadable payload is stored; Bitrix24 payloads carry credentials to leave out. */
const UNKNOWN_PAYLOADS: Partial<Record<NormaliseInput['kind'], (input: NormaliseInput) => unknown>> = {
  bitrix24: bitrix24UnknownPayload,
};

/**
 * Turns one verified provider payload into canonical events: one per message or status. Never
 * throws and never returns an empty list: a payload, or the part of it, that no normaliser reads
 * becomes one '<provider>.unknown' event holding the whole payload, so nothing acknowledged is lost.
 */
export function normalise(input: NormaliseInput): CanonicalEvent[] {
  // Later code may rely on a valid receipt time and raw body, whatever the caller passed.
  const safe: NormaliseInput = {
    ...input,
    rawBody: Buffer.isBuffer(input?.rawBody) ? input.rawBody : Buffer.alloc(0),
    headers: asRecord(input?.headers) ?? {},
    receivedAt: validDate(input?.receivedAt),
  } as NormaliseInput;
  const normaliser = Object.hasOwn(NORMALISERS, safe.kind) ? NORMALISERS[safe.kind] : undefined;
  const events: CanonicalEvent[] = [];
  let incomplete = !normaliser;
  let items = 0;
  try {
    for (const item of normaliser?.(safe) ?? []) {
      if (++items > MAX_ITEMS_PER_PAYLOAD) {
        incomplete = true;
        break;
      }
      if (item === UNRECOGNISED) {
        incomplete = true;
        continue;
      }
      if (events.length === MAX_EVENTS_PER_PAYLOAD) {
        incomplete = true;
        break;
      }
      events.push(withBoundedKey(item));
    }
  } catch {
    // A shape no guard foresaw: keep what was read, and the payload itself below.
    incomplete = true;
  }
  if (incomplete || events.length === 0) events.push(unknownEvent(safe));
  return events;
}

function unknownEvent(input: NormaliseInput): CanonicalEvent {
  const kind = Object.hasOwn(NORMALISERS, input.kind) ? input.kind : 'source';
  let payload: unknown;
  try {
    const payloadOf = UNKNOWN_PAYLOADS[kind as NormaliseInput['kind']];
    payload = payloadOf ? payloadOf(input) : (input.body ?? null);
  } catch {
    payload = null;
  }
  return {
    type: `${kind}.unknown`,
    occurredAt: input.receivedAt,
    dedupeKey: rawKey(input),
    data: { payload },
  };
}

/** Long keys become '<prefix>:sha256:<hex>': still the same for the same provider id, and bounded. */
function withBoundedKey(event: CanonicalEvent): CanonicalEvent {
  if (event.dedupeKey.length <= MAX_KEY_LENGTH) return event;
  const prefix = event.dedupeKey.slice(0, Math.max(0, event.dedupeKey.indexOf(':')));
  return { ...event, dedupeKey: `${prefix}:sha256:${sha256Hex(event.dedupeKey)}` };
}

function validDate(value: unknown): Date {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : new Date();
}
