import { easter, isHoliday, nationalHolidays } from './holidays';

describe('national holidays', () => {
  it('Easter by the Gregorian computus', () => {
    expect(easter(2024).toISOString().slice(0, 10)).toBe('2024-03-31');
    expect(easter(2026).toISOString().slice(0, 10)).toBe('2026-04-05');
    expect(easter(2027).toISOString().slice(0, 10)).toBe('2027-03-28');
  });

  it('the fixed days, Good Friday and Consciência Negra; Carnival only when added', () => {
    const y = nationalHolidays(2026);
    expect([...y].sort()).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-21',
      '2026-05-01',
      '2026-09-07',
      '2026-10-12',
      '2026-11-02',
      '2026-11-15',
      '2026-11-20',
      '2026-12-25',
    ]);
    expect(isHoliday('2026-02-17')).toBe(false);
    expect(isHoliday('2026-02-17', new Set(['2026-02-17']))).toBe(true);
    expect(isHoliday('2026-12-24')).toBe(false);
  });
});
