import type { NormaliseInput } from '../../normalisers/canonical-event';
import { occurredAt, rawKey, type Normalised } from '../../normalisers/event-builders';
import { asRecord, asText } from '../../normalisers/payload-fields';

/** Standard Webhooks payload `{type, timestamp, data}` from the business's own systems (webhooks.md §1.4). */

// Lower-case dotted segments ('lead.created', 'payment.received'): what our workflows subscribe to.
export const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
export const MAX_TYPE_LENGTH = 100;

export function* normaliseStandard(input: NormaliseInput): Generator<Normalised> {
  const body = asRecord(input.body);
  const header = input.headers?.['webhook-id'];
  const webhookId = asText(Array.isArray(header) ? header[0] : header);
  const type = asText(body?.type);
  // A missing `data` is an event without details; a `data` that is not an object is not our shape.
  const data = body?.data === undefined || body.data === null ? {} : asRecord(body.data);
  const valid = body && type !== undefined && type.length <= MAX_TYPE_LENGTH && EVENT_TYPE.test(type) && data;
  yield {
    type: valid ? type : 'standard.unknown',
    occurredAt: occurredAt(body?.timestamp, input),
    // The sender's webhook-id is its idempotency key, also for a payload we cannot read. The verifier
    // requires it; should it be missing, identical bytes are the next best identity.
    dedupeKey: webhookId ? `wh:${webhookId}` : rawKey(input),
    data: valid ? data : { payload: input.body ?? null },
  };
}
