import { ProblemException } from '../../platform/http/problem';
import { localDate, nextDate, zonedToInstant } from '../../platform/zoned-time';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

const invalid = (field: string, message: string) =>
  new ProblemException('VALIDATION_FAILED', message, { errors: [{ field, message }] });

/**
 * A report's period [from, to). A bare date is a whole local day in the workspace's zone (`to`
 * included: `from=2026-11-01&to=2026-11-30` is November); an ISO instant is taken as is. Without
 * them: the last 7 full days before today.
 */
export function reportPeriod(
  query: { from?: string; to?: string },
  timeZone: string,
  now: Date,
): { from: Date; to: Date } {
  const today = localDate(now, timeZone);
  const to = query.to
    ? DAY.test(query.to)
      ? zonedToInstant(nextDate(query.to), '00:00', timeZone)
      : new Date(query.to)
    : zonedToInstant(today, '00:00', timeZone);
  const from = query.from
    ? DAY.test(query.from)
      ? zonedToInstant(query.from, '00:00', timeZone)
      : new Date(query.from)
    : new Date(to.getTime() - 7 * 86_400_000);
  if (Number.isNaN(from.getTime())) throw invalid('from', 'from is not a date');
  if (Number.isNaN(to.getTime())) throw invalid('to', 'to is not a date');
  if (from >= to) throw invalid('to', 'to must come after from');
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000)
    throw invalid('to', `a report covers at most ${MAX_DAYS} days`);
  return { from, to };
}
