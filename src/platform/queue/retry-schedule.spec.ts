import { RetrySchedule } from './retry-schedule';

describe('RetrySchedule', () => {
  it('parses the short form', () => {
    expect(RetrySchedule.parse('0,5s,5m,30m,2h,5h,10h,10h').delaysMs).toEqual([
      0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000,
    ]);
    expect(RetrySchedule.parse('100ms, 2, 1d').delaysMs).toEqual([100, 2000, 86400000]);
    expect(() => RetrySchedule.parse('5 minutes')).toThrow(/Invalid retry schedule/);
  });

  it('gives the delay before each attempt with bounded jitter, and undefined when exhausted', () => {
    const s = RetrySchedule.parse('0,10s,1m');
    expect(s.attempts).toBe(3);
    expect(s.delayBefore(2)).toBe(10000);
    expect(s.delayBefore(2, 0.2, () => 0)).toBe(8000);
    expect(s.delayBefore(2, 0.2, () => 1)).toBe(12000);
    expect(s.delayBefore(4)).toBeUndefined();
  });
});
