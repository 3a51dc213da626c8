import { RetrySchedule } from '../../platform/queue/retry-schedule';

export type AttemptOutcome =
  | { kind: 'success' }
  | { kind: 'gone' } // 410: the receiver asks us to stop
  | { kind: 'retry'; delayMs: number }
  | { kind: 'exhausted' };

/**
 * Svix's rules: 2xx is success; anything else (3xx included: redirects are not followed), a
 * timeout or a network error is a failure retried on the schedule; 429/503 `Retry-After` is
 * honoured (never earlier than it asks); 410 disables the endpoint.
 */
export function classifyAttempt(
  schedule: RetrySchedule,
  attemptInRound: number,
  status: number | undefined,
  retryAfterHeader: string | undefined,
  nowMs: number,
  random: () => number = Math.random,
): AttemptOutcome {
  if (status !== undefined && status >= 200 && status < 300) return { kind: 'success' };
  if (status === 410) return { kind: 'gone' };
  const next = schedule.delayBefore(attemptInRound + 1, 0.2, random);
  if (next === undefined) return { kind: 'exhausted' };
  const retryAfterMs =
    status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader, nowMs) : undefined;
  return { kind: 'retry', delayMs: Math.max(next, retryAfterMs ?? 0) };
}

/** `Retry-After` in seconds or as an HTTP date (counted from `now`, the clock's); capped at one day. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 24 * 3600 * 1000) : undefined;
}
