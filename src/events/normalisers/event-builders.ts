import { sha256Hex } from '../../platform/crypto/constant-time';
import type { CanonicalEvent, NormaliseInput } from './canonical-event';
import type { MessageStatusData, WhatsAppMessageData } from './message-data';
import { compact, instantOf } from './payload-fields';

/**
 * Yielded by a provider normaliser for a part of the payload it cannot read (an unknown `field`,
 * a message without an id...). The dispatcher then also stores the whole payload as
 * '<provider>.unknown', so a partly understood payload is never partly lost.
 */
export const UNRECOGNISED = Symbol('unrecognised');

export type Normalised = CanonicalEvent | typeof UNRECOGNISED;

/** Lazy, so the dispatcher can stop reading a huge payload after its cap. */
export type Normaliser = (input: NormaliseInput) => Iterable<Normalised>;

/** The provider's time when it is a plausible instant, else when we received it. */
export function occurredAt(value: unknown, input: NormaliseInput): Date {
  return instantOf(value) ?? input.receivedAt;
}

export function messageEvent(type: string, data: WhatsAppMessageData, at: Date): CanonicalEvent {
  return { type, occurredAt: at, dedupeKey: `msg:${data.messageId}`, data: compact(data) };
}

/** `keyStatus` is the provider's own status word: two provider statuses that map alike stay distinct. */
export function statusEvent(
  type: string,
  data: MessageStatusData,
  keyStatus: string,
  at: Date,
): CanonicalEvent {
  return { type, occurredAt: at, dedupeKey: `status:${data.messageId}:${keyStatus}`, data: compact(data) };
}

/** 'raw:<sha256 of the raw body>': the key of payloads that carry no id of their own. */
export function rawKey(input: NormaliseInput): string {
  return `raw:${sha256Hex(Buffer.isBuffer(input.rawBody) ? input.rawBody : '')}`;
}
