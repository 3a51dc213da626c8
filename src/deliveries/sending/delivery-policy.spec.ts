import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { classifyAttempt, parseRetryAfter } from './delivery-policy';

describe('delivery policy', () => {
  const schedule = RetrySchedule.parse('0,5s,5m,30m,2h,5h,10h,10h');
  const mid = () => 0.5; // no jitter

  it('2xx succeeds, 410 is gone, 3xx/4xx/5xx and network errors retry on the schedule', () => {
    expect(classifyAttempt(schedule, 1, 204, undefined, mid)).toEqual({ kind: 'success' });
    expect(classifyAttempt(schedule, 1, 410, undefined, mid)).toEqual({ kind: 'gone' });
    expect(classifyAttempt(schedule, 1, 302, undefined, mid)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(classifyAttempt(schedule, 2, 500, undefined, mid)).toEqual({ kind: 'retry', delayMs: 300000 });
    expect(classifyAttempt(schedule, 3, undefined, undefined, mid)).toEqual({
      kind: 'retry',
      delayMs: 1800000,
    });
    expect(classifyAttempt(schedule, 8, 500, undefined, mid)).toEqual({ kind: 'exhausted' });
  });

  it('jitters by ±20 % and honours Retry-After on 429 and 503 only', () => {
    expect(classifyAttempt(schedule, 1, 500, undefined, () => 0)).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(classifyAttempt(schedule, 1, 500, undefined, () => 1)).toEqual({ kind: 'retry', delayMs: 6000 });
    expect(classifyAttempt(schedule, 1, 429, '120', mid)).toEqual({ kind: 'retry', delayMs: 120000 });
    expect(classifyAttempt(schedule, 1, 503, '1', mid)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(classifyAttempt(schedule, 1, 500, '120', mid)).toEqual({ kind: 'retry', delayMs: 5000 });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
