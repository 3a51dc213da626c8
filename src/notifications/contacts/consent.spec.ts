import { isAllowed, isTimeZone, quietHoursEnd } from './consent';

const SP = { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' };
const at = (iso: string) => new Date(iso);

describe('isAllowed', () => {
  it('allows what is not mentioned (opt-out model) and refuses an explicit false only', () => {
    expect(isAllowed({ preferences: {} }, 'whatsapp', 'marketing')).toBe(true);
    expect(isAllowed({ preferences: { whatsapp: {} } }, 'whatsapp', 'marketing')).toBe(true);
    const contact = { preferences: { whatsapp: { marketing: false, transactional: true } } };
    expect(isAllowed(contact, 'whatsapp', 'marketing')).toBe(false);
    expect(isAllowed(contact, 'whatsapp', 'transactional')).toBe(true);
    expect(isAllowed(contact, 'sms', 'marketing')).toBe(true);
    expect(isAllowed({ preferences: { email: { transactional: false } } }, 'email', 'transactional')).toBe(
      false,
    );
  });

  it('treats a missing preferences object as allowed', () => {
    expect(isAllowed({ preferences: undefined as never }, 'sms', 'marketing')).toBe(true);
  });
});

describe('quietHoursEnd', () => {
  it('22:00 in São Paulo inside 21:00–08:00 ends at 08:00 the next local day', () => {
    // 22:00 -03:00 is 01:00Z the next day; 08:00 -03:00 is 11:00Z.
    expect(quietHoursEnd(SP, at('2026-11-23T01:00:00Z'))?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('after midnight, the same local day’s end', () => {
    expect(quietHoursEnd(SP, at('2026-11-23T05:30:00Z'))?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('start is inside, end is not; outside answers null', () => {
    expect(quietHoursEnd(SP, at('2026-11-23T00:00:00Z'))?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(quietHoursEnd(SP, at('2026-11-23T11:00:00Z'))).toBeNull();
    expect(quietHoursEnd(SP, at('2026-11-23T15:00:00Z'))).toBeNull();
    expect(quietHoursEnd(SP, at('2026-11-23T23:59:59Z'))).toBeNull();
  });

  it('windows that do not wrap midnight', () => {
    const lunch = { start: '12:00', end: '14:00', timeZone: 'America/Sao_Paulo' };
    expect(quietHoursEnd(lunch, at('2026-11-23T15:30:00Z'))?.toISOString()).toBe('2026-11-23T17:00:00.000Z');
    expect(quietHoursEnd(lunch, at('2026-11-23T17:00:00Z'))).toBeNull();
    expect(quietHoursEnd(lunch, at('2026-11-23T14:59:00Z'))).toBeNull();
  });

  it('no quiet hours, or equal start and end, answer null', () => {
    expect(quietHoursEnd(null, at('2026-11-23T01:00:00Z'))).toBeNull();
    expect(quietHoursEnd({ ...SP, end: '21:00' }, at('2026-11-23T01:00:00Z'))).toBeNull();
  });

  it('is DST-correct: a night across the spring-forward change ends at local 08:00 (EDT)', () => {
    const ny = { start: '21:00', end: '08:00', timeZone: 'America/New_York' };
    // 2026-03-07 22:00 EST (-05) → 2026-03-08 08:00 EDT (-04) = 12:00Z.
    expect(quietHoursEnd(ny, at('2026-03-08T03:00:00Z'))?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    // Across the fall-back change: 2026-10-31 22:00 EDT → 2026-11-01 08:00 EST = 13:00Z.
    expect(quietHoursEnd(ny, at('2026-11-01T02:00:00Z'))?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('an end inside a spring-forward gap ends the period when the clocks jump', () => {
    // São Paulo, 2018-11-04: 00:00 -03 became 01:00 -02 (03:00Z). 00:30 that day never happened.
    const q = { start: '22:00', end: '00:30', timeZone: 'America/Sao_Paulo' };
    expect(quietHoursEnd(q, at('2018-11-04T02:00:00Z'))?.toISOString()).toBe('2018-11-04T03:00:00.000Z');
  });

  it('an end that happens twice (fall-back) ends at its first occurrence still ahead', () => {
    // New York, 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    const q = { start: '23:00', end: '01:30', timeZone: 'America/New_York' };
    expect(quietHoursEnd(q, at('2026-11-01T04:00:00Z'))?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // 01:10 EST (06:10Z), the second pass: the first 01:30 is behind, the second is ahead.
    expect(quietHoursEnd(q, at('2026-11-01T06:10:00Z'))?.toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });

  it('works in zones east of UTC and with half-hour offsets', () => {
    const kolkata = { start: '21:00', end: '08:00', timeZone: 'Asia/Kolkata' };
    // 23:00 IST (+05:30) = 17:30Z; 08:00 IST next day = 02:30Z.
    expect(quietHoursEnd(kolkata, at('2026-11-23T17:30:00Z'))?.toISOString()).toBe(
      '2026-11-24T02:30:00.000Z',
    );
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and refuses the rest', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
