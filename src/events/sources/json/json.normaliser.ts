import { Logger } from '@nestjs/common';
import { compileExpression, evaluate, toJson } from '../../../platform/expression/expression';
import type { NormaliseInput } from '../../normalisers/canonical-event';
import { rawKey, type Normalised } from '../../normalisers/event-builders';
import { asRecord } from '../../normalisers/payload-fields';
import type { SourceConfig } from '../source-kind';
import { isEventType } from './json.config';

/** The type of a signed body whose type expression failed or gave no event type. */
export const JSON_FALLBACK_TYPE = 'json.received';
const EXPRESSION_TIMEOUT_MS = 100;
const MAX_ID_LENGTH = 500;

/** What `prepare` computes from the body with the source's expressions (`undefined`: none). */
export interface JsonDerived {
  type?: string;
  id?: string;
}

const logger = new Logger('JsonSource');

/** Evaluates the source's expressions over the body; a failing one gives nothing, never a throw. */
export async function deriveJson(config: SourceConfig, input: NormaliseInput): Promise<JsonDerived> {
  const type = config.eventTypeExpression
    ? await evaluateText(config.eventTypeExpression, input.body, 'eventTypeExpression')
    : config.eventType;
  const id = config.idExpression
    ? await evaluateText(config.idExpression, input.body, 'idExpression')
    : undefined;
  return { type, id };
}

/**
 * One event per body: the whole JSON object is its data (a non-object body is kept under
 * `payload`). A signed body is always stored: without a usable type it is `json.received`, without
 * an id its dedupe key is the SHA-256 of the raw body.
 */
export function* normaliseJson(input: NormaliseInput): Generator<Normalised> {
  const derived = (asRecord(input.prepared) ?? {}) as JsonDerived;
  const body = asRecord(input.body);
  yield {
    type: isEventType(derived.type) ? derived.type : JSON_FALLBACK_TYPE,
    occurredAt: input.receivedAt,
    dedupeKey: derived.id ? `json:${derived.id}` : rawKey(input),
    data: body ?? { payload: input.body ?? null },
  };
}

async function evaluateText(source: string, body: unknown, field: string): Promise<string | undefined> {
  try {
    const expression = compileExpression(source);
    const value = toJson(await evaluate(expression, body ?? null, {}, { timeoutMs: EXPRESSION_TIMEOUT_MS }));
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH) return value;
    return undefined;
  } catch (err) {
    // The payload is not logged: it may hold personal data.
    logger.warn(`${field} failed on a webhook body: ${(err as Error).message}`);
    return undefined;
  }
}
