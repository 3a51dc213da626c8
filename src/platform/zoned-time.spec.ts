import { offsetMinutes, zonedToInstant } from './zoned-time';

describe('offsetMinutes', () => {
  it('answers each side of a transition, asked again and again (the answers are remembered per minute)', () => {
    // New York springs forward at 07:00 UTC on 2026-03-08 (02:00 EST → 03:00 EDT).
    const before = new Date('2026-03-08T06:59:59.999Z');
    const after = new Date('2026-03-08T07:00:00.000Z');
    for (let i = 0; i < 3; i++) {
      expect(offsetMinutes(before, 'America/New_York')).toBe(-300);
      expect(offsetMinutes(after, 'America/New_York')).toBe(-240);
      expect(offsetMinutes(after, 'America/Sao_Paulo')).toBe(-180);
      expect(offsetMinutes(after, 'Asia/Kathmandu')).toBe(345);
    }
  });

  it('stays right when more minutes are asked than it keeps', () => {
    const start = Date.UTC(2026, 9, 1);
    for (let m = 0; m < 10_000; m += 1) offsetMinutes(new Date(start + m * 60_000), 'Europe/Lisbon');
    // Lisbon leaves summer time at 01:00 UTC on 2026-10-25.
    expect(offsetMinutes(new Date('2026-10-25T00:59:00Z'), 'Europe/Lisbon')).toBe(60);
    expect(offsetMinutes(new Date('2026-10-25T01:00:00Z'), 'Europe/Lisbon')).toBe(0);
  });
});

describe('zonedToInstant', () => {
  it.each([
    ['2026-03-10', '09:30', 'America/Sao_Paulo', '2026-03-10T12:30:00.000Z'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'], // the gap: moved forward
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'], // the overlap: the first
    ['2026-10-25', '01:30', 'Europe/Lisbon', '2026-10-25T00:30:00.000Z'], // the overlap, east of New York
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-04-05', '02:30', 'Australia/Sydney', '2026-04-04T15:30:00.000Z'],
    ['2026-03-29', '01:30', 'Europe/London', '2026-03-29T01:30:00.000Z'], // the gap
  ])('%s %s in %s is %s', (date, time, zone, instant) => {
    expect(zonedToInstant(date, time, zone).toISOString()).toBe(instant);
  });
});
