import { freeSlots, TimeRange } from './availability';
import { localDate, zonedToInstant } from '../platform/zoned-time';

const iso = (slots: TimeRange[]) => slots.map((s) => s.start.toISOString());
const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });

describe('zoned time (Intl, DST-safe)', () => {
  it('resolves wall time on each side of a DST change', () => {
    expect(zonedToInstant('2026-03-06', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-06T14:00:00.000Z',
    );
    expect(zonedToInstant('2026-03-09', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    expect(zonedToInstant('2026-05-12', '15:00', 'America/Sao_Paulo').toISOString()).toBe(
      '2026-05-12T18:00:00.000Z',
    );
  });

  it('a time in the spring-forward gap moves forward; an ambiguous one takes the first', () => {
    // 2026-03-08 02:30 does not exist in New York (02:00 → 03:00).
    expect(zonedToInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 2026-11-01 01:30 happens twice (EDT, then EST): the first.
    expect(zonedToInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // Brazil's last DST start: 2018-11-04 00:00 → 01:00 in São Paulo.
    expect(zonedToInstant('2018-11-04', '00:30', 'America/Sao_Paulo').toISOString()).toBe(
      '2018-11-04T03:30:00.000Z',
    );
    expect(zonedToInstant('2018-11-05', '09:00', 'America/Sao_Paulo').toISOString()).toBe(
      '2018-11-05T11:00:00.000Z',
    );
    expect(localDate(new Date('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-08');
  });
});

describe('freeSlots', () => {
  const hours = { start: '09:00', end: '12:00' };
  const base = {
    slotMinutes: 60,
    timeZone: 'America/New_York',
    workingHours: { fri: [{ start: '09:00', end: '14:00' }], mon: [{ start: '09:00', end: '14:00' }] },
    breaks: [{ start: '12:00', end: '13:00' }],
    busy: [],
  };

  it('across a DST change and a lunch break: the same local hours, one hour apart in UTC', () => {
    const slots = freeSlots({
      ...base,
      from: new Date('2026-03-06T00:00:00Z'),
      to: new Date('2026-03-10T00:00:00Z'),
    });
    expect(iso(slots)).toEqual([
      // Friday, EST (UTC-5): 09, 10, 11, (lunch), 13
      '2026-03-06T14:00:00.000Z',
      '2026-03-06T15:00:00.000Z',
      '2026-03-06T16:00:00.000Z',
      '2026-03-06T18:00:00.000Z',
      // Monday, EDT (UTC-4)
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
      '2026-03-09T17:00:00.000Z',
    ]);
  });

  it('hours that span the gap give only the hours that exist', () => {
    const slots = freeSlots({
      ...base,
      breaks: [],
      workingHours: { sun: [{ start: '01:00', end: '04:00' }] },
      from: new Date('2026-03-08T00:00:00Z'),
      to: new Date('2026-03-09T00:00:00Z'),
    });
    expect(iso(slots)).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z']);
  });

  it('busy periods and the buffer around them take slots; stretches restart after them', () => {
    const slots = freeSlots({
      ...base,
      slotMinutes: 30,
      workingHours: { fri: [hours] },
      breaks: [],
      bufferMinutes: 15,
      busy: [range('2026-03-06T15:00:00Z', '2026-03-06T15:30:00Z')], // 10:00–10:30 local
      from: new Date('2026-03-06T00:00:00Z'),
      to: new Date('2026-03-07T00:00:00Z'),
    });
    // 09:00, 09:30 would end 10:00 > 09:45 (buffer) → only 09:00; then from 10:45.
    expect(iso(slots)).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-06T15:45:00.000Z',
      '2026-03-06T16:15:00.000Z',
    ]);
  });

  it('nothing before notBefore or after `to`; limit caps the list', () => {
    const slots = freeSlots({
      ...base,
      from: new Date('2026-03-06T00:00:00Z'),
      to: new Date('2026-03-10T00:00:00Z'),
      notBefore: new Date('2026-03-06T15:30:00Z'),
      limit: 2,
    });
    expect(iso(slots)).toEqual(['2026-03-06T16:00:00.000Z', '2026-03-06T18:00:00.000Z']);
  });
});
