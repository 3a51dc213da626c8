import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of inbound webhooks and sources. */
export const EVENTS_PROBLEMS = defineProblems('events', {
  SIGNATURE_INVALID: { status: 401, title: 'Webhook signature is wrong or missing' },
  TIMESTAMP_OUT_OF_TOLERANCE: { status: 401, title: 'Webhook timestamp is outside the tolerance' },
  // Meta documents 403 for a failed subscription handshake (reference/providers.md §1.2).
  VERIFY_TOKEN_INVALID: { status: 403, title: 'The webhook verification handshake failed' },
  SOURCE_NOT_FOUND: { status: 404, title: 'Unknown webhook source' },
  // The json source kind's config: well-formed keys that cannot work together.
  JSON_SOURCE_AUTH_INVALID: {
    status: 422,
    title: "The json source's authentication settings are incomplete or wrong",
  },
  JSON_SOURCE_EVENT_TYPE_INVALID: {
    status: 422,
    title: 'The json source needs exactly one of eventType and eventTypeExpression',
  },
  JSON_SOURCE_EXPRESSION_INVALID: {
    status: 422,
    title: "A json source's JSONata expression does not compile",
  },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof EVENTS_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the events area; the exception filter maps it like every other problem. */
export class EventsProblem extends ProblemException<keyof typeof EVENTS_PROBLEMS> {}
