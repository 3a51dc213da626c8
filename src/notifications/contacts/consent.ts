import type { Channel } from '../channels';
import type { Category, Contact, QuietHours } from './contact.entity';

/** `HH:mm`, 00:00 to 23:59. */
export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether `timeZone` is an IANA zone this runtime knows (`America/Sao_Paulo`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Opt-out model: only an explicit `false` for (channel, category) forbids sending. */
export function isAllowed(
  contact: Pick<Contact, 'preferences'>,
  channel: Channel,
  category: Category,
): boolean {
  return contact.preferences?.[channel]?.[category] !== false;
}

/**
 * When the quiet period `now` falls in ends, or null when `now` is outside quiet hours (or there
 * are none). Windows may wrap midnight (21:00–08:00); `start` is inside, `end` is not; equal
 * `start` and `end` mean no quiet hours. Local times are read in `timeZone` through Intl, so the
 * answer is right across DST changes: an end time that does not exist that day (a spring-forward
 * gap) ends the period when the clocks jump; one that happens twice ends it the first time.
 */
export function quietHoursEnd(quiet: QuietHours | null, now: Date): Date | null {
  if (!quiet || !HH_MM.test(quiet.start) || !HH_MM.test(quiet.end)) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = wallClock(now.getTime(), quiet.timeZone);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const nextDay = start > end && minute >= start ? 1 : 0;
  const endWall = Date.UTC(
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate() + nextDay,
    Math.floor(end / 60),
    end % 60,
  );
  const instants = instantsOf(endWall, quiet.timeZone);
  return new Date(instants.find((t) => t > now.getTime()) ?? instants[instants.length - 1]);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `ms` in `timeZone`, as a Date whose UTC fields are the local ones. */
function wallClock(ms: number, timeZone: string): Date {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second));
}

const wallMs = (ms: number, timeZone: string) => wallClock(ms, timeZone).getTime();

/**
 * The instants whose local time in `timeZone` is `wall` (a Date.UTC of the local fields), earliest
 * first: one usually, two when clocks go back; in a spring-forward gap, the instant of the jump.
 */
function instantsOf(wall: number, timeZone: string): number[] {
  const DAY = 86_400_000;
  const offsets = new Set(
    [wall - DAY, wall, wall + DAY].map((t) => wallMs(t, timeZone) - Math.floor(t / 1000) * 1000),
  );
  const candidates = [...offsets].map((o) => wall - o).sort((a, b) => a - b);
  const exact = candidates.filter((t) => wallMs(t, timeZone) === wall);
  if (exact.length) return exact;
  // The gap: the first instant whose local time is at or past `wall` is when the clocks jump.
  let lo = candidates[0];
  let hi = candidates[candidates.length - 1];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return [hi];
}
