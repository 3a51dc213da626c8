/**
 * Every error code a client can switch on, with its HTTP status and title. Areas add their codes
 * here, so the whole contract is readable in one table (the spec's "contract details").
 */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'The request failed validation' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Missing or unknown credentials' },
  SIGNATURE_INVALID: { status: 401, title: 'Webhook signature is wrong or missing' },
  TIMESTAMP_OUT_OF_TOLERANCE: { status: 401, title: 'Webhook timestamp is outside the tolerance' },
  FORBIDDEN_SCOPE: { status: 403, title: 'The credentials lack the required scope' },
  // Meta documents 403 for a failed subscription handshake (reference/providers.md §1.2).
  VERIFY_TOKEN_INVALID: { status: 403, title: 'The webhook verification handshake failed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  SOURCE_NOT_FOUND: { status: 404, title: 'Unknown webhook source' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is still in flight' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Content type not accepted' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with another request' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  MAPPING_INVALID: { status: 422, title: 'The mapping expression is invalid' },
  TEMPLATE_INVALID: { status: 422, title: 'The template does not parse' },
  TEMPLATE_NOT_FOUND: { status: 422, title: 'No template with this key for the channel' },
  TEMPLATE_VARIABLES_MISSING: { status: 422, title: 'The data lacks variables the template uses' },
  NOTIFICATION_NOT_CANCELLABLE: { status: 409, title: 'The notification can no longer be cancelled' },
  WHATSAPP_WINDOW_CLOSED: {
    status: 422,
    title: 'Outside the 24-hour WhatsApp window only approved templates can be sent',
  },
  WORKFLOW_INVALID: { status: 422, title: 'The workflow definition is invalid' },
  EXECUTION_NOT_RETRYABLE: { status: 409, title: 'Only a failed execution can be retried' },
  EXECUTION_NOT_CANCELLABLE: { status: 409, title: 'Only a running or waiting execution can be cancelled' },
  RECIPIENT_UNREACHABLE: { status: 422, title: 'The recipient has no address for the channels asked' },
  RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  INTERNAL: { status: 500, title: 'Internal error' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  SHUTTING_DOWN: { status: 503, title: 'The service is shutting down' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface FieldError {
  /** Dot path of the offending field, e.g. `to.phone`. */
  field: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ProblemCode;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The one exception type of the domain: areas throw it (or a subclass naming their codes), and
 * the exception filter turns it into problem+json.
 */
export class ProblemException extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail ?? PROBLEMS[code].title);
    this.name = 'ProblemException';
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export const notFound = (what = 'Resource') => new ProblemException('NOT_FOUND', `${what} not found`);

export function problemType(code: ProblemCode): string {
  return `https://ponte.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problemDocument(
  code: ProblemCode,
  detail?: string,
  extras: Record<string, unknown> = {},
): ProblemDocument {
  const { headers: _headers, ...rest } = extras;
  return {
    type: problemType(code),
    title: PROBLEMS[code].title,
    status: PROBLEMS[code].status,
    detail,
    code,
    ...rest,
  };
}
