export interface ProblemSpec {
  status: number;
  title: string;
}

/**
 * The codes every area may use. An area declares its own in `src/<area>/<area>.problems.ts` with
 * `defineProblems` (see there); the filter maps them all to problem+json in one place, and the
 * OpenAPI `ProblemCode` enum lists them all.
 */
const PLATFORM_PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'The request failed validation' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Missing or unknown credentials' },
  FORBIDDEN_SCOPE: { status: 403, title: 'The credentials lack the required scope' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is still in flight' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Content type not accepted' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with another request' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  MAPPING_INVALID: { status: 422, title: 'The mapping expression is invalid' },
  RATE_LIMITED: { status: 429, title: 'Rate limit exceeded' },
  INTERNAL: { status: 500, title: 'Internal error' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  SHUTTING_DOWN: { status: 503, title: 'The service is shutting down' },
  MAINTENANCE: { status: 503, title: 'Ponte is in maintenance (a database restore is running)' },
} as const satisfies Record<string, ProblemSpec>;

/**
 * Every code a client can switch on. Areas add theirs by declaration merging, next to their
 * `defineProblems` call:
 *
 * ```ts
 * export const CALENDAR_PROBLEMS = defineProblems('calendar', {
 *   CALENDAR_CONFLICT: { status: 409, title: 'The time is taken' },
 * });
 * declare module '../platform/http/problem' {
 *   interface ProblemCatalog extends Record<keyof typeof CALENDAR_PROBLEMS, ProblemSpec> {}
 * }
 * export class CalendarProblem extends ProblemException<keyof typeof CALENDAR_PROBLEMS> {}
 * ```
 *
 * Throw the area's exception class (`new CalendarProblem('CALENDAR_CONFLICT', detail)`): importing
 * it is what registers the codes, so a code can never be thrown before it is declared.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProblemCatalog extends Record<keyof typeof PLATFORM_PROBLEMS, ProblemSpec> {}

export type ProblemCode = Extract<keyof ProblemCatalog, string>;

const catalog = new Map<string, ProblemSpec & { area: string }>();

/** Declares an area's codes; two areas declaring one code stops the process at load, naming both. */
export function defineProblems<const T extends Record<string, ProblemSpec>>(area: string, specs: T): T {
  for (const [code, spec] of Object.entries(specs)) {
    const existing = catalog.get(code);
    if (existing && existing.area !== area) {
      throw new Error(`Problem code ${code} is declared by both ${existing.area} and ${area}`);
    }
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`Problem code ${code} (${area}) is not UPPER_SNAKE`);
    catalog.set(code, { ...spec, area });
  }
  return specs;
}

defineProblems('platform', PLATFORM_PROBLEMS);

/** The status and title of a declared code. */
export function problemSpec(code: ProblemCode): ProblemSpec {
  const spec = catalog.get(code);
  if (!spec) throw new Error(`Problem code ${code} is not declared (its area's *.problems.ts is not loaded)`);
  return spec;
}

/** Every declared code, sorted (the OpenAPI enum), with its status and title. */
export function problemCodes(): ProblemCode[] {
  return [...catalog.keys()].sort() as ProblemCode[];
}

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
export class ProblemException<C extends ProblemCode = ProblemCode> extends Error {
  constructor(
    readonly code: C,
    readonly detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail ?? problemSpec(code).title);
    this.name = 'ProblemException';
  }

  get status(): number {
    return problemSpec(this.code).status;
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
    title: problemSpec(code).title,
    status: problemSpec(code).status,
    detail,
    code,
    ...rest,
  };
}
