import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { classifyAttempt, parseRetryAfter } from './delivery-policy';

describe('delivery policy', () => {
  const schedule = RetrySchedule.parse('0,5s,5m,30m,2h,5h,10h,10h');
  const mid = () => 0.5; // no jitter
  const NOW = Date.parse('2026-03-02T12:00:00Z');

  it('2xx succeeds, 410 is gone, 3xx/4xx/5xx and network errors retry on the schedule', () => {
    expect(classifyAttempt(schedule, 1, 204, undefined, NOW, mid)).toEqual({ kind: 'success' });
    expect(classifyAttempt(schedule, 1, 410, undefined, NOW, mid)).toEqual({ kind: 'gone' });
    expect(classifyAttempt(schedule, 1, 302, undefined, NOW, mid)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(classifyAttempt(schedule, 2, 500, undefined, NOW, mid)).toEqual({
      kind: 'retry',
      delayMs: 300000,
    });
    expect(classifyAttempt(schedule, 3, undefined, undefined, NOW, mid)).toEqual({
      kind: 'retry',
      delayMs: 1800000,
    });
    expect(classifyAttempt(schedule, 8, 500, undefined, NOW, mid)).toEqual({ kind: 'exhausted' });
  });

  it('jitters by ±20 % and honours Retry-After on 429 and 503 only', () => {
    expect(classifyAttempt(schedule, 1, 500, undefined, NOW, () => 0)).toEqual({
      kind: 'retry',
      delayMs: 4000,
    });
    expect(classifyAttempt(schedule, 1, 500, undefined, NOW, () => 1)).toEqual({
      kind: 'retry',
      delayMs: 6000,
    });
    expect(classifyAttempt(schedule, 1, 429, '120', NOW, mid)).toEqual({ kind: 'retry', delayMs: 120000 });
    expect(classifyAttempt(schedule, 1, 503, '1', NOW, mid)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(classifyAttempt(schedule, 1, 500, '120', NOW, mid)).toEqual({ kind: 'retry', delayMs: 5000 });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter(new Date(NOW + 10_000).toUTCString(), NOW)).toBe(10_000);
    expect(parseRetryAfter(new Date(NOW - 10_000).toUTCString(), NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
