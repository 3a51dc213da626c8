import { isHoliday } from '../br/holidays';
import { isoDate, wallClock } from '../../platform/zoned-time';
import type { CampaignSchedule } from './campaign.entity';

/** Monday to Saturday, 08:00–20:00 in São Paulo: when debt collectors may write (and never on holidays). */
export const DEFAULT_SCHEDULE: CampaignSchedule = {
  days: [1, 2, 3, 4, 5, 6],
  from: '08:00',
  to: '20:00',
  timeZone: 'America/Sao_Paulo',
};

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a message may go out at `at`: an allowed ISO weekday, inside [from, to), not a holiday. */
export function insideWindow(
  at: Date,
  schedule: CampaignSchedule,
  extraHolidays: ReadonlySet<string>,
): boolean {
  const l = wallClock(at, schedule.timeZone);
  const isoWeekday = l.weekday === 0 ? 7 : l.weekday;
  if (!schedule.days.includes(isoWeekday)) return false;
  if (isHoliday(isoDate(l), extraHolidays)) return false;
  const m = l.hour * 60 + l.minute;
  return m >= minutes(schedule.from) && m < minutes(schedule.to);
}
