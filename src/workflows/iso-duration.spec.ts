import { parseDuration } from './iso-duration';

describe('parseDuration', () => {
  it('reads weeks, days, hours, minutes and seconds', () => {
    expect(parseDuration('PT2H')).toBe(7_200_000);
    expect(parseDuration('PT2S')).toBe(2000);
    expect(parseDuration('P1DT30M')).toBe(86_400_000 + 1_800_000);
    expect(parseDuration('P2W')).toBe(2 * 604_800_000);
    expect(parseDuration('PT0.5S')).toBe(500);
  });

  it('refuses what is not an ISO 8601 duration of that form', () => {
    for (const bad of ['2h', 'P', 'PT', 'P1M', 'P1Y', 'PT-1H', '', 7200, null]) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });
});
