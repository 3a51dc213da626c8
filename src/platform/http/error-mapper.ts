import { HttpException } from '@nestjs/common';
import { ProblemCode, ProblemException, problemSpec } from './problem';

export interface MappedError {
  code: ProblemCode;
  detail?: string;
  extras?: ProblemException['extras'];
  /** Unexpected: log it with its stack. */
  unexpected?: boolean;
}

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
};

const STATUS_CODES: Record<number, ProblemCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN_SCOPE',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'DEPENDENCY_UNAVAILABLE',
};

const PG_DOWN =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i;
const REDIS_DOWN =
  /Stream isn't writeable|Connection is closed|MaxRetriesPerRequest|Reached the max retries per request|enableOfflineQueue/i;

/** Which dependency an error says is down, if any (the message names no host or query). */
export function unavailableDependency(err: unknown): 'PostgreSQL' | 'Redis' | undefined {
  // Duck-typed: Node's own errors (net, dns) fail `instanceof Error` across realms (Jest, vm).
  if (!isErrorLike(err)) return undefined;
  const code = (err as { code?: string }).code ?? '';
  const text = `${err.name} ${err.message} ${code}`;
  if (REDIS_DOWN.test(text) || err.name === 'MaxRetriesPerRequestError') return 'Redis';
  const isPg =
    err.name === 'QueryFailedError' || err.constructor?.name === 'DatabaseError' || /^(08|57P)/.test(code);
  if (isPg && /^(08|57P0[1-3])/.test(code)) return 'PostgreSQL';
  if (PG_DOWN.test(text)) return 'PostgreSQL';
  return undefined;
}

export function isErrorLike(err: unknown): err is Error {
  return typeof err === 'object' && err !== null && typeof (err as Error).message === 'string';
}

/** Maps anything thrown (domain, Nest, Fastify, driver) to a contract code. */
export function mapError(err: unknown): MappedError {
  if (err instanceof ProblemException) return { code: err.code, detail: err.detail, extras: err.extras };
  const fastifyCode = (err as { code?: string })?.code;
  if (fastifyCode && FASTIFY_CODES[fastifyCode]) {
    return {
      code: FASTIFY_CODES[fastifyCode],
      detail: safeFastifyDetail(err as Error, FASTIFY_CODES[fastifyCode]),
    };
  }
  if (err instanceof SyntaxError) return { code: 'MALFORMED_BODY', detail: 'The body is not valid JSON' };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    const detail = status === 404 ? 'No such route' : undefined;
    return { code, detail, unexpected: status >= 500 };
  }
  const dependency = unavailableDependency(err);
  if (dependency) {
    return {
      code: 'DEPENDENCY_UNAVAILABLE',
      detail: `${dependency} is unavailable; try again shortly`,
      extras: { headers: { 'Retry-After': '5' } },
    };
  }
  const status = (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { code: STATUS_CODES[status] ?? 'BAD_REQUEST' };
  }
  return { code: 'INTERNAL', detail: 'An unexpected error occurred', unexpected: true };
}

function safeFastifyDetail(err: Error, code: ProblemCode): string {
  if (code === 'PAYLOAD_TOO_LARGE') return 'The request body exceeds the size limit';
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return 'Send application/json';
  // Their messages quote the path back, whatever it holds.
  if ((err as { code?: string }).code === 'FST_ERR_BAD_URL')
    return 'The path is not valid percent-encoded UTF-8';
  if ((err as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH') return 'A path segment is too long';
  return err.message.replace(/\s+/g, ' ').slice(0, 200) || problemSpec(code).title;
}
