import { sha256Hex } from '../../platform/crypto/constant-time';
import type { SourceKindHandler } from '../sources/source-kind';
import type { CanonicalEvent, NormaliseInput } from './canonical-event';
import { rawKey, UNRECOGNISED } from './event-builders';
import { asRecord } from './payload-fields';

/** Events taken from one payload; whatever lies beyond is kept in the '<provider>.unknown' event. */
export const MAX_EVENTS_PER_PAYLOAD = 1000;

// Unreadable parts count too, so a payload of a million garbage items is not walked to the end.
const MAX_ITEMS_PER_PAYLOAD = 2 * MAX_EVENTS_PER_PAYLOAD;

// Provider ids are untrusted and unbounded; the store indexes the key.
const MAX_KEY_LENGTH = 200;

/**
 * Turns one verified provider payload into canonical events with the normaliser its kind
 * declared: one per message or status. Never throws and never returns an empty list: a payload,
 * or the part of it, that no normaliser reads becomes one '<provider>.unknown' event holding the
 * whole payload, so nothing acknowledged is lost (with no declared kind: 'source.unknown').
 */
export function normalise(input: NormaliseInput, kind: SourceKindHandler | undefined): CanonicalEvent[] {
  // Later code may rely on a valid receipt time and raw body, whatever the caller passed.
  const safe: NormaliseInput = {
    ...input,
    rawBody: Buffer.isBuffer(input?.rawBody) ? input.rawBody : Buffer.alloc(0),
    headers: asRecord(input?.headers) ?? {},
    receivedAt: validDate(input?.receivedAt),
  } as NormaliseInput;
  const events: CanonicalEvent[] = [];
  let incomplete = !kind;
  let items = 0;
  try {
    for (const item of kind?.normalise(safe) ?? []) {
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
  if (incomplete || events.length === 0) events.push(unknownEvent(safe, kind));
  return events;
}

function unknownEvent(input: NormaliseInput, kind: SourceKindHandler | undefined): CanonicalEvent {
  let payload: unknown;
  try {
    payload = kind?.unknownPayload ? kind.unknownPayload(input) : (input.body ?? null);
  } catch {
    payload = null;
  }
  return {
    type: `${kind && typeof input.kind === 'string' ? input.kind : 'source'}.unknown`,
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
