import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ProblemCode, problemCodes, problemSpec } from '../http/problem';

/** One offending field of a `VALIDATION_FAILED` problem. */
export class FieldErrorResponse {
  @ApiProperty({ description: 'Dot path of the offending field', example: 'to.phone' })
  field: string;

  @ApiProperty({
    description: 'What is wrong with it, in English',
    example: 'to.phone must be a valid phone',
  })
  message: string;
}

/**
 * The body of every error answer (RFC 9457 `application/problem+json`), as the exception filter
 * writes it (`src/platform/http/problem.ts`). Clients switch on `code`, never on `title` or `detail`.
 */
export class ProblemResponse {
  @ApiProperty({
    description: 'URI naming the kind of problem; one per `code`',
    format: 'uri',
    example: 'https://ponte.dev/problems/validation-failed',
  })
  type: string;

  @ApiProperty({
    description: 'Short summary of the kind of problem',
    example: 'The request failed validation',
  })
  title: string;

  @ApiProperty({ description: 'HTTP status code, repeated for convenience', type: 'integer', example: 400 })
  status: number;

  @ApiPropertyOptional({
    description: 'What went wrong in this occurrence, in English',
    example: 'to.phone must be a valid phone',
  })
  detail?: string;

  @ApiProperty({
    description: 'Stable upper-snake error code to switch on',
    // Completed by `listProblemCodes` when the document is built, once every area has declared its codes.
    enum: problemCodes(),
    enumName: 'ProblemCode',
    example: 'VALIDATION_FAILED',
  })
  code: ProblemCode;

  @ApiProperty({ description: 'Path of the request this problem answers', example: '/v1/events' })
  instance: string;

  @ApiPropertyOptional({
    description: 'Every offending field, for `VALIDATION_FAILED`',
    type: [FieldErrorResponse],
  })
  errors?: FieldErrorResponse[];
}

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } },
};

/**
 * What each error status means on `/v1`, naming its codes. Statuses left out here are described
 * from the code table, so a new code never goes undocumented.
 */
const DESCRIPTIONS: Record<number, string> = {
  400: 'The request failed validation (`VALIDATION_FAILED`, with `errors[]`) or its body could not be parsed (`MALFORMED_BODY`)',
  401: 'Missing or unknown credentials (`UNAUTHENTICATED`)',
  403: 'The credentials lack the required scope (`FORBIDDEN_SCOPE`)',
  404: 'Not found, or it belongs to another workspace (`NOT_FOUND`)',
  409: 'Conflict (`CONFLICT`), or a request with the same Idempotency-Key is still in flight (`IDEMPOTENCY_IN_FLIGHT`)',
  413: 'The request body is larger than the limit (`PAYLOAD_TOO_LARGE`)',
  415: 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)',
  422: 'The Idempotency-Key was used with another body (`IDEMPOTENCY_KEY_REUSED`), or the request cannot be processed (`UNPROCESSABLE`)',
  429: 'Rate limit exceeded (`RATE_LIMITED`); wait `Retry-After` seconds',
  503: 'PostgreSQL or Redis is unavailable (`DEPENDENCY_UNAVAILABLE`) or the instance is shutting down (`SHUTTING_DOWN`); retry after `Retry-After` seconds',
};

function problemDescription(status: number): string {
  if (DESCRIPTIONS[status]) return DESCRIPTIONS[status];
  const codes = problemCodes().filter((code) => problemSpec(code).status === status);
  // Throw when the controller loads: a status no code has is a typo, not something to document.
  if (codes.length === 0) throw new Error(`ApiProblems: no problem code has status ${status}`);
  return codes.map((code) => `${problemSpec(code).title} (\`${code}\`)`).join('; ');
}

/**
 * Documents the problem+json answers of an operation, e.g. `@ApiProblems(400, 401, 403, 404, 429)`.
 * The schema is a `$ref` under the `application/problem+json` media type, which is what the exception
 * filter sends (`type:` on `@ApiResponse` would file it under `application/json`).
 */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemResponse),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: problemDescription(status),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResponse) } } },
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/** Fills the `ProblemCode` enum with every declared code (areas declare theirs as they load). */
export function listProblemCodes(document: { components?: { schemas?: Record<string, unknown> } }): void {
  const schema = document.components?.schemas?.ProblemCode as { enum?: string[] } | undefined;
  if (schema) schema.enum = problemCodes();
}
