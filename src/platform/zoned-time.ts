/**
 * Wall-clock time in an IANA zone ↔ instants, with Intl only (no time-zone library is a direct
 * dependency). DST-safe: each wall time is resolved on its own date, a time that does not exist
 * (the spring-forward gap) moves forward by the gap, an ambiguous one (fall-back) takes the first.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const SHORT_DAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock fields of an instant in a zone. */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant))
    if (p.type !== 'literal') parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: SHORT_DAYS[parts.weekday],
  };
}

/** `YYYY-MM-DD` of calendar fields. */
export const isoDate = (d: Pick<WallClock, 'year' | 'month' | 'day'>): string =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * Offsets already worked out, by zone and UTC minute: `formatToParts` costs ~50 µs, and a bulk
 * send renders the same `date` (or `now`) a thousand times. Zones change offset on whole minutes
 * (only 19th-century local mean times did otherwise), so the minute settles the answer.
 */
const offsets = new Map<string, number>();
const OFFSETS_KEPT = 4096;

/** Minutes the zone is ahead of UTC at an instant (-180 for São Paulo). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const minute = Math.floor(instant.getTime() / 60_000);
  const key = `${timeZone} ${minute}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const w = wallClock(instant, timeZone);
    offset = Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - minute * 60_000) / 60_000);
    if (offsets.size >= OFFSETS_KEPT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** `2026-03-08` + `09:30` in `America/New_York` → the instant. */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  // The zone's offsets a day either side (transitions are months apart) give the one or two
  // instants the wall time can be; those that map back to it win (both, in an overlap: the
  // earlier). In a gap neither does: take the later (moved forward by the gap).
  const guesses = [-1, 1].map(
    (day) => naive - offsetMinutes(new Date(naive + day * 86_400_000), timeZone) * 60_000,
  );
  const fits = guesses.filter((t) => {
    const w = wallClock(new Date(t), timeZone);
    return w.hour === hh && w.minute === mm;
  });
  return new Date(fits.length ? Math.min(...fits) : Math.max(...guesses));
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return isoDate(wallClock(instant, timeZone));
}

/** The calendar date `days` later (or earlier, when negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The next calendar date. */
export const nextDate = (date: string): string => addDays(date, 1);

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 0 = Sunday … 6 = Saturday. */
export function weekdayIndex(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export const weekdayOf = (date: string): Weekday => WEEKDAYS[weekdayIndex(date)];
