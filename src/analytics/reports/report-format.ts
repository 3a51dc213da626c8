import type { FigureKind } from './report-model';

/** pt-BR text for figures and dates (Intl), shared by the PDF, the CSV and the e-mail. */
const integer = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat('pt-BR', {
  style: 'percent',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const money = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

export function formatFigure(value: number | null, kind: FigureKind): string {
  if (value === null) return '—';
  switch (kind) {
    case 'count':
      return integer.format(value);
    case 'ratio':
      return percent.format(value);
    case 'cents':
      return money.format(value / 100);
    case 'durationMs':
      return formatDuration(value);
  }
}

/** 850 ms, 12,5 s, 3,2 min, 1,5 h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${integer.format(ms)} ms`;
  if (ms < 60_000) return `${decimal.format(ms / 1000)} s`;
  if (ms < 3_600_000) return `${decimal.format(ms / 60_000)} min`;
  return `${decimal.format(ms / 3_600_000)} h`;
}

export function formatVariation(v: number | null): string {
  return v === null ? '—' : signedPercent.format(v);
}

export const formatCount = (n: number): string => integer.format(n);

/** `01/11/2026` in the workspace's zone. */
export function formatDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('pt-BR', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(instant);
}

/** `01/11/2026 a 30/11/2026`: `to` is exclusive, so the last day shown is the one before it. */
export function formatPeriod(from: Date, to: Date, timeZone: string): string {
  return `${formatDate(from, timeZone)} a ${formatDate(new Date(to.getTime() - 1), timeZone)}`;
}

export function formatDateTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('pt-BR', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    instant,
  );
}

/** `03/11` for a `YYYY-MM-DD` day (chart axes). */
export function shortDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}`;
}
