/**
 * Brazil's national holidays (Lei 662/1949, 6.802/1980, 14.759/2023) plus Good Friday, which every
 * state keeps: no collection messages on these days. Carnival and Corpus Christi are optional
 * days off (ponto facultativo), not holidays: a workspace adds them (and local holidays) through
 * COLLECTIONS_EXTRA_HOLIDAYS.
 */
const FIXED = ['01-01', '04-21', '05-01', '09-07', '10-12', '11-02', '11-15', '11-20', '12-25'];

/** Easter Sunday (Anonymous Gregorian algorithm), as YYYY-MM-DD in UTC. */
export function easter(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const cache = new Map<number, Set<string>>();

/** The national holidays of a year, as YYYY-MM-DD. */
export function nationalHolidays(year: number): Set<string> {
  let set = cache.get(year);
  if (!set) {
    const goodFriday = new Date(easter(year).getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
    set = new Set([...FIXED.map((md) => `${year}-${md}`), goodFriday]);
    cache.set(year, set);
  }
  return set;
}

/** Whether a local date (YYYY-MM-DD) is a national holiday or one of `extra`. */
export function isHoliday(date: string, extra: ReadonlySet<string> = new Set()): boolean {
  return extra.has(date) || nationalHolidays(Number(date.slice(0, 4))).has(date);
}
