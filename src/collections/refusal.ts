import { HttpException } from '@nestjs/common';
import { ProblemException } from '../platform/http/problem';

/**
 * The status of a refusal (a 4xx the API would answer: consent, opt-out, validation), undefined for
 * anything else (a lost connection, a deadlock, a 5xx), which is worth trying again.
 */
export function refusalStatus(err: unknown): number | undefined {
  const status =
    err instanceof ProblemException ? err.status : err instanceof HttpException ? err.getStatus() : undefined;
  return status !== undefined && status < 500 ? status : undefined;
}
