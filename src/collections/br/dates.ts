import { fold } from './amounts';
import { addDays, isoDate, wallClock, weekdayIndex } from '../../platform/zoned-time';

/**
 * Dates in Brazilian Portuguese, resolved on the injected clock in the debtor's time zone
 * (business-br.md §5.3): `dia 15`, `15/12`, `15 de dezembro`, `sexta`, `semana que vem`, `mês que
 * vem`, `fim do mês`, `amanhã`, `depois de amanhã`, `daqui a 3 dias`. Own rules, since chrono's pt
 * locale misses or mis-reads most of these. Always a date on or after today.
 */
const WEEKDAYS: Array<[RegExp, number]> = [
  [/\bdomingo\b/, 0],
  [/\bsegunda(-feira| feira)?\b/, 1],
  [/\btercas?(-feira| feira)?\b/, 2],
  [/\bquarta(-feira| feira)?\b/, 3],
  [/\bquinta(-feira| feira)?\b/, 4],
  [/\bsexta(-feira| feira)?\b/, 5],
  [/\bsabado\b/, 6],
];
const MONTHS = [
  'janeiro',
  'fevereiro',
  'marco',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];
const NUMBERS: Record<string, number> = {
  um: 1,
  uma: 1,
  dois: 2,
  duas: 2,
  tres: 3,
  quatro: 4,
  cinco: 5,
  seis: 6,
  sete: 7,
  dez: 10,
  quinze: 15,
};

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function validDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return undefined;
  return isoDate({ year: y, month: m, day: d });
}

/** The date the text names, as YYYY-MM-DD, or undefined. */
export function parseDate(text: string, now: Date, timeZone = 'America/Sao_Paulo'): string | undefined {
  const t = fold(text);
  const l = wallClock(now, timeZone);
  const today = isoDate(l);
  const dayMonth = (d: number, m: number, y?: number): string | undefined => {
    const year = y === undefined ? l.year : y < 100 ? 2000 + y : y;
    const date = validDate(year, m, d);
    if (!date || y !== undefined || date >= today) return date;
    return validDate(year + 1, m, d);
  };

  let m = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/.exec(t);
  if (m) return dayMonth(Number(m[1]), Number(m[2]), m[3] === undefined ? undefined : Number(m[3]));
  m = new RegExp(`\\b(\\d{1,2})\\s+de\\s+(${MONTHS.join('|')})(?:\\s+de\\s+(\\d{4}))?`).exec(t);
  if (m) return dayMonth(Number(m[1]), MONTHS.indexOf(m[2]) + 1, m[3] ? Number(m[3]) : undefined);
  if (/depois de amanha/.test(t)) return addDays(today, 2);
  if (/\bamanha\b/.test(t)) return addDays(today, 1);
  if (/\bhoje\b/.test(t)) return today;
  m = /\b(?:daqui a|em|dentro de)\s+(\d{1,2}|\w+)\s+(dias?|semanas?)\b/.exec(t);
  if (m) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBERS[m[1]];
    if (n !== undefined) return addDays(today, m[2].startsWith('semana') ? n * 7 : n);
  }
  m = /\bdia\s+(\d{1,2})\b/.exec(t);
  if (m) {
    const d = Number(m[1]);
    const thisMonth = validDate(l.year, l.month, d);
    if (thisMonth && thisMonth >= today) return thisMonth;
    const next = l.month === 12 ? { year: l.year + 1, month: 1 } : { year: l.year, month: l.month + 1 };
    return validDate(next.year, next.month, Math.min(d, daysIn(next.year, next.month)));
  }
  if (/\bfi(m|nal) do mes\b/.test(t)) return validDate(l.year, l.month, daysIn(l.year, l.month));
  if (/\b(mes que vem|proximo mes|mes seguinte)\b/.test(t)) {
    return l.month === 12 ? validDate(l.year + 1, 1, 1) : validDate(l.year, l.month + 1, 1);
  }
  for (const [re, wd] of WEEKDAYS) {
    if (!re.test(t)) continue;
    const ahead = (wd - weekdayIndex(today) + 7) % 7 || 7;
    // "sexta que vem" / "próxima sexta" said early in the week still means this coming one
    return addDays(today, ahead);
  }
  if (/\b(semana que vem|proxima semana|semana seguinte)\b/.test(t)) {
    return addDays(today, (1 - weekdayIndex(today) + 7) % 7 || 7);
  }
  if (/\bfim de semana\b/.test(t)) return addDays(today, (6 - weekdayIndex(today) + 7) % 7);
  return undefined;
}
