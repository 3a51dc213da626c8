import ExcelJS from 'exceljs';
import { formatDateTime, formatPeriod } from './report-format';
import type { FigureKind, ReportModel } from './report-model';
import { addNativeCharts, NativeChart } from './xlsx-charts';

/**
 * Number formats are stored in the file's invariant syntax and shown in the reader's locale: a
 * pt-BR Excel shows `#,##0` as `1.234`, `0.0%` as `87,5%` and the R$ format as `R$ 1.234,56`.
 */
const FORMATS: Record<FigureKind, string> = {
  count: '#,##0',
  ratio: '0.0%',
  cents: '"R$" #,##0.00',
  durationMs: '#,##0.0 "s"',
};
const VARIATION = '+0.0%;-0.0%;0.0%';
const DAY_FORMAT = 'dd/mm/yyyy';
export const CHART_SHEET = 'Gráficos';
export const PALETTE = ['2563EB', '16A34A', 'F59E0B', 'DC2626', '7C3AED', '0891B2', 'DB2777', '65A30D'];

/** Figures are stored as numbers in the unit their format shows (seconds, reais). */
function cellValue(value: number | null, kind: FigureKind): number | null {
  if (value === null) return null;
  if (kind === 'durationMs') return value / 1000;
  if (kind === 'cents') return value / 100;
  return value;
}

/** Days since 1899-12-30: how a date cell and a chart's date axis hold a day. */
const excelSerial = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000 + 25_569;

const header = (sheet: ExcelJS.Worksheet, labels: string[]) => {
  const row = sheet.addRow(labels);
  row.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  row.eachCell((c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1E3A8A' } }));
};

function cover(book: ExcelJS.Workbook, m: ReportModel): void {
  const sheet = book.addWorksheet('Capa');
  sheet.columns = [{ width: 24 }, { width: 48 }];
  sheet.addRow(['Relatório de desempenho']).font = { bold: true, size: 18 };
  sheet.addRow([]);
  sheet.addRow(['Workspace', m.workspaceName]);
  sheet.addRow(['Período', formatPeriod(m.from, m.to, m.timeZone)]);
  sheet.addRow(['Fuso horário', m.timeZone]);
  sheet.addRow(['Gerado em', formatDateTime(m.generatedAt, m.timeZone)]);
  for (let r = 3; r <= 6; r++) sheet.getCell(`A${r}`).font = { bold: true };
}

function kpiSheet(book: ExcelJS.Workbook, m: ReportModel): void {
  const sheet = book.addWorksheet('Indicadores', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [{ width: 16 }, { width: 34 }, { width: 16 }, { width: 18 }, { width: 12 }];
  header(sheet, ['Seção', 'Indicador', 'Período', 'Período anterior', 'Variação']);
  for (const k of m.kpis) {
    const row = sheet.addRow([
      k.section,
      k.label,
      cellValue(k.value, k.kind),
      cellValue(k.previous, k.kind),
      k.variation,
    ]);
    row.getCell(3).numFmt = FORMATS[k.kind];
    row.getCell(4).numFmt = FORMATS[k.kind];
    row.getCell(5).numFmt = VARIATION;
  }
}

function breakdownSheet(book: ExcelJS.Workbook, m: ReportModel): void {
  const sheet = book.addWorksheet('Detalhamento');
  sheet.columns = [{ width: 36 }, { width: 16 }, { width: 18 }, { width: 12 }];
  for (const table of m.breakdowns) {
    sheet.addRow([table.title]).font = { bold: true, size: 12 };
    header(sheet, ['Item', 'Período', 'Período anterior', 'Variação']);
    for (const r of table.rows) {
      const row = sheet.addRow([r.key, r.value, r.previous, r.variation]);
      row.getCell(2).numFmt = FORMATS.count;
      row.getCell(3).numFmt = FORMATS.count;
      row.getCell(4).numFmt = VARIATION;
    }
    if (table.rows.length === 0) sheet.addRow(['(sem dados no período)']);
    sheet.addRow([]);
  }
}

/** The charts' data, side by side: days A:B, funnel D:E, channels G:H; the charts from column J. */
function chartSheet(book: ExcelJS.Workbook, m: ReportModel): NativeChart[] {
  const sheet = book.addWorksheet(CHART_SHEET);
  sheet.columns = [
    { width: 12 },
    { width: 12 },
    { width: 2 },
    { width: 14 },
    { width: 12 },
    { width: 2 },
    { width: 14 },
    { width: 12 },
  ];
  sheet.getRow(1).values = ['Dia', 'Enviadas', null, 'Etapa', 'Mensagens', null, 'Canal', 'Mensagens'];
  sheet.getRow(1).font = { bold: true };
  m.volumeByDay.forEach((d, i) => {
    const row = sheet.getRow(i + 2);
    row.getCell(1).value = new Date(`${d.day}T00:00:00Z`);
    row.getCell(1).numFmt = DAY_FORMAT;
    row.getCell(2).value = d.value;
    row.getCell(2).numFmt = FORMATS.count;
  });
  m.funnel.forEach((f, i) => {
    sheet.getRow(i + 2).getCell(4).value = f.stage;
    sheet.getRow(i + 2).getCell(5).value = f.value;
    sheet.getRow(i + 2).getCell(5).numFmt = FORMATS.count;
  });
  m.channelMix.forEach((c, i) => {
    sheet.getRow(i + 2).getCell(7).value = c.channel;
    sheet.getRow(i + 2).getCell(8).value = c.value;
    sheet.getRow(i + 2).getCell(8).numFmt = FORMATS.count;
  });
  const last = (n: number) => Math.max(n, 1) + 1;
  return [
    {
      type: 'column',
      title: 'Volume por dia (mensagens enviadas)',
      series: {
        name: 'Enviadas',
        categories: `$A$2:$A$${last(m.volumeByDay.length)}`,
        values: `$B$2:$B$${last(m.volumeByDay.length)}`,
        categoryCache: m.volumeByDay.map((d) => excelSerial(d.day)),
        valueCache: m.volumeByDay.map((d) => d.value),
        color: PALETTE[0],
      },
      categoryFormat: 'dd/mm',
      valueFormat: FORMATS.count,
      from: { col: 9, row: 0 },
      to: { col: 19, row: 18 },
    },
    {
      type: 'bar',
      title: 'Funil de entrega',
      series: {
        name: 'Mensagens',
        categories: `$D$2:$D$${last(m.funnel.length)}`,
        values: `$E$2:$E$${last(m.funnel.length)}`,
        categoryCache: m.funnel.map((f) => f.stage),
        valueCache: m.funnel.map((f) => f.value),
        color: PALETTE[1],
      },
      valueFormat: FORMATS.count,
      from: { col: 9, row: 19 },
      to: { col: 19, row: 35 },
    },
    {
      type: 'doughnut',
      title: 'Mensagens por canal',
      series: {
        name: 'Mensagens',
        categories: `$G$2:$G$${last(m.channelMix.length)}`,
        values: `$H$2:$H$${last(m.channelMix.length)}`,
        categoryCache: m.channelMix.map((c) => c.channel),
        valueCache: m.channelMix.map((c) => c.value),
        color: PALETTE[0],
      },
      sliceColors: PALETTE,
      valueFormat: FORMATS.count,
      from: { col: 9, row: 36 },
      to: { col: 19, row: 54 },
    },
  ];
}

export async function writeXlsx(m: ReportModel): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Ponte';
  book.created = m.generatedAt;
  cover(book, m);
  kpiSheet(book, m);
  breakdownSheet(book, m);
  const charts = chartSheet(book, m);
  const plain = Buffer.from(await book.xlsx.writeBuffer());
  return addNativeCharts(plain, CHART_SHEET, charts);
}
