import { localDate, nextDate, weekdayOf, Weekday, zonedToInstant } from '../platform/zoned-time';

export interface TimeRange {
  start: Date;
  end: Date;
}

/** `HH:mm`–`HH:mm` of local wall time. */
export interface WallRange {
  start: string;
  end: string;
}

/** Opening hours per weekday; a weekday left out is closed. */
export type WorkingHours = Partial<Record<Weekday, WallRange[]>>;

export interface Break extends WallRange {
  /** Weekdays it applies to (every day when omitted). */
  days?: Weekday[];
}

export interface SlotRequest {
  from: Date;
  to: Date;
  slotMinutes: number;
  timeZone: string;
  workingHours: WorkingHours;
  breaks?: Break[];
  /** Free time kept before and after every busy period. */
  bufferMinutes?: number;
  /** Busy periods from every calendar considered. */
  busy: TimeRange[];
  /** No slot starts before this (now). */
  notBefore?: Date;
  /** At most this many slots. */
  limit?: number;
}

/** Mon–Fri 09:00–18:00 when a request gives none. */
export const DEFAULT_WORKING_HOURS: WorkingHours = Object.fromEntries(
  (['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[]).map((d) => [d, [{ start: '09:00', end: '18:00' }]]),
);

const MINUTE = 60_000;

/** Subtracts `cut` from every range. */
function subtract(ranges: TimeRange[], cut: TimeRange): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of ranges) {
    if (cut.end <= r.start || cut.start >= r.end) {
      out.push(r);
      continue;
    }
    if (cut.start > r.start) out.push({ start: r.start, end: cut.start });
    if (cut.end < r.end) out.push({ start: cut.end, end: r.end });
  }
  return out;
}

/**
 * Free slots: each local day's working hours (resolved on that date, so a DST change moves
 * nothing), less breaks and busy periods widened by the buffer, cut into `slotMinutes` from the
 * start of each free stretch.
 */
export function freeSlots(req: SlotRequest): TimeRange[] {
  const slotMs = req.slotMinutes * MINUTE;
  const buffer = (req.bufferMinutes ?? 0) * MINUTE;
  const floor = req.notBefore && req.notBefore > req.from ? req.notBefore : req.from;
  const busy = req.busy.map((b) => ({
    start: new Date(b.start.getTime() - buffer),
    end: new Date(b.end.getTime() + buffer),
  }));
  const slots: TimeRange[] = [];
  const last = localDate(req.to, req.timeZone);
  for (let date = localDate(req.from, req.timeZone); date <= last; date = nextDate(date)) {
    const day = weekdayOf(date);
    const at = (time: string) => zonedToInstant(date, time, req.timeZone);
    let free: TimeRange[] = (req.workingHours[day] ?? []).map((w) => ({
      start: at(w.start),
      end: at(w.end),
    }));
    for (const b of req.breaks ?? []) {
      if (!b.days || b.days.includes(day)) free = subtract(free, { start: at(b.start), end: at(b.end) });
    }
    for (const b of busy) free = subtract(free, b);
    for (const range of free.sort((a, b) => a.start.getTime() - b.start.getTime())) {
      for (let s = range.start.getTime(); s + slotMs <= range.end.getTime(); s += slotMs) {
        if (s < floor.getTime() || s + slotMs > req.to.getTime()) continue;
        slots.push({ start: new Date(s), end: new Date(s + slotMs) });
        if (req.limit && slots.length >= req.limit) return slots;
      }
    }
  }
  return slots;
}

/** Ranges of `candidates` that overlap `range` (touching ends do not). */
export function overlapping<T extends TimeRange>(range: TimeRange, candidates: T[]): T[] {
  return candidates.filter((c) => c.start < range.end && c.end > range.start);
}
