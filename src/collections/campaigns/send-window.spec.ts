import { DEFAULT_SCHEDULE, insideWindow } from './send-window';

// São Paulo is UTC−3: local 19:50 is 22:50Z
const at = (local: string) => new Date(`${local}-03:00`);

describe('campaign send window (Mon–Sat 08:00–20:00 America/Sao_Paulo, no holidays)', () => {
  it.each([
    ['2026-11-28T19:50:00', true], // Saturday
    ['2026-11-28T19:59:59', true],
    ['2026-11-28T20:00:00', false],
    ['2026-11-29T12:00:00', false], // Sunday
    ['2026-11-30T07:59:00', false], // Monday
    ['2026-11-30T08:00:00', true],
    ['2026-12-25T10:00:00', false], // Christmas, a Friday
    ['2026-11-20T10:00:00', false], // Consciência Negra
    ['2026-04-03T10:00:00', false], // Good Friday
  ])('%s → %s', (local, inside) => {
    expect(insideWindow(at(local), DEFAULT_SCHEDULE, new Set())).toBe(inside);
  });

  it('extra holidays and other zones', () => {
    expect(insideWindow(at('2026-02-16T10:00:00'), DEFAULT_SCHEDULE, new Set(['2026-02-16']))).toBe(false);
    const manaus = { ...DEFAULT_SCHEDULE, timeZone: 'America/Manaus' }; // UTC−4
    expect(insideWindow(at('2026-11-30T08:30:00'), manaus, new Set())).toBe(false); // 07:30 in Manaus
  });
});
