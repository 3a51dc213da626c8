import { formatPeriod } from './report-format';
import type { FigureKind, ReportModel } from './report-model';

/**
 * The KPI and breakdown tables as CSV for a Brazilian Excel, which opens it with a double click:
 * UTF-8 with a BOM (so accents survive), `;` between fields (`,` is the decimal mark), CRLF line
 * ends, numbers with a decimal comma and no thousands separator (so they stay numbers), rates as
 * percentages with two decimals (`87,50`), durations in seconds, amounts in reais.
 */
const SEP = ';';

function quote(field: string): string {
  return /[;"\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function number(value: number | null, kind: FigureKind | 'variation'): string {
  if (value === null) return '';
  const scaled =
    kind === 'ratio' || kind === 'variation'
      ? value * 100
      : kind === 'durationMs'
        ? value / 1000
        : kind === 'cents'
          ? value / 100
          : value;
  const digits = kind === 'count' ? 0 : 2;
  return scaled.toFixed(digits).replace('.', ',');
}

const UNIT: Record<FigureKind, string> = { count: '', ratio: '%', durationMs: 's', cents: 'R$' };

export function writeCsv(m: ReportModel): Buffer {
  const lines: string[][] = [
    ['Workspace', m.workspaceName],
    ['Período', formatPeriod(m.from, m.to, m.timeZone)],
    [],
    ['Seção', 'Indicador', 'Unidade', 'Período', 'Período anterior', 'Variação (%)'],
    ...m.kpis.map((k) => [
      k.section,
      k.label,
      UNIT[k.kind],
      number(k.value, k.kind),
      number(k.previous, k.kind),
      number(k.variation, 'variation'),
    ]),
  ];
  for (const t of m.breakdowns)
    for (const r of t.rows)
      lines.push([
        t.title,
        r.key,
        '',
        number(r.value, 'count'),
        number(r.previous, 'count'),
        number(r.variation, 'variation'),
      ]);
  const body = lines.map((l) => l.map(quote).join(SEP)).join('\r\n') + '\r\n';
  return Buffer.from(`\uFEFF${body}`, 'utf8');
}
