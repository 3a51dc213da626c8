import { existsSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { columnChart, donutChart, funnelChart } from './pdf-charts';
import { formatDateTime, formatFigure, formatPeriod, formatVariation } from './report-format';
import type { ReportModel } from './report-model';
import { PALETTE } from './xlsx-report';

type Doc = InstanceType<typeof PDFDocument>;
interface Fonts {
  regular: string;
  bold: string;
}

const COLORS = PALETTE.map((c) => `#${c}`);
const MARGIN = 48;
const TEXT = '#111827';
const MUTED = '#6B7280';

/**
 * DejaVu Sans embedded (subset) when the folder has it: every accent and symbol pt-BR needs, in any
 * viewer. Without it, pdfkit's Helvetica, whose WinAnsi encoding still covers ç, ã, é and R$.
 */
function registerFonts(doc: Doc, fontDir: string): Fonts {
  const regular = join(fontDir, 'DejaVuSans.ttf');
  const bold = join(fontDir, 'DejaVuSans-Bold.ttf');
  if (!existsSync(regular) || !existsSync(bold)) return { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  doc.registerFont('Body', regular);
  doc.registerFont('Body-Bold', bold);
  return { regular: 'Body', bold: 'Body-Bold' };
}

function cover(doc: Doc, m: ReportModel, f: Fonts): void {
  doc.rect(0, 0, doc.page.width, 220).fillColor('#1E3A8A').fill();
  doc.font(f.bold).fontSize(28).fillColor('#FFFFFF').text('Relatório de desempenho', MARGIN, 90);
  doc.font(f.regular).fontSize(14).text(m.workspaceName, MARGIN, 135);
  doc
    .fillColor(TEXT)
    .fontSize(13)
    .text(`Período: ${formatPeriod(m.from, m.to, m.timeZone)}`, MARGIN, 260);
  doc.fillColor(MUTED).fontSize(10);
  doc.text(`Fuso horário: ${m.timeZone}`, MARGIN, 285);
  doc.text(`Gerado em ${formatDateTime(m.generatedAt, m.timeZone)}`, MARGIN, 300);
  // The headline figures, as cards.
  const headline = m.kpis.filter((k) =>
    ['Mensagens enviadas', 'Taxa de entrega', 'Taxa de leitura', 'Valor recuperado'].includes(k.label),
  );
  const w = (doc.page.width - 2 * MARGIN - 3 * 12) / 4;
  headline.forEach((k, i) => {
    const x = MARGIN + i * (w + 12);
    doc.roundedRect(x, 350, w, 80, 6).fillColor('#EFF6FF').fill();
    doc
      .font(f.regular)
      .fontSize(8)
      .fillColor(MUTED)
      .text(k.label, x + 8, 360, { width: w - 16 });
    const figure = formatFigure(k.value, k.kind);
    doc.font(f.bold).fontSize(15);
    // Long amounts shrink to fit the card on one line.
    doc.fontSize(Math.min(15, (15 * (w - 16)) / doc.widthOfString(figure)));
    doc.fillColor(TEXT).text(figure, x + 8, 380, { width: w - 16, lineBreak: false });
    doc
      .font(f.regular)
      .fontSize(8)
      .fillColor(MUTED)
      .text(`${formatVariation(k.variation)} vs. anterior`, x + 8, 408, {
        width: w - 16,
      });
  });
}

const COLS = [200, 95, 110, 94];

function tableRow(doc: Doc, cells: string[], y: number, font: string, fill?: string): number {
  const h = 18;
  if (fill)
    doc
      .rect(
        MARGIN,
        y,
        COLS.reduce((a, b) => a + b),
        h,
      )
      .fillColor(fill)
      .fill();
  let x = MARGIN;
  doc
    .font(font)
    .fontSize(9)
    .fillColor(fill === '#1E3A8A' ? '#FFFFFF' : TEXT);
  cells.forEach((c, i) => {
    doc.text(c, x + 4, y + 5, { width: COLS[i] - 8, align: i === 0 ? 'left' : 'right', lineBreak: false });
    x += COLS[i];
  });
  return y + h;
}

function ensureRoom(doc: Doc, y: number, needed: number): number {
  if (y + needed <= doc.page.height - MARGIN) return y;
  doc.addPage();
  return MARGIN;
}

function tables(doc: Doc, m: ReportModel, f: Fonts): void {
  doc.addPage();
  doc.font(f.bold).fontSize(16).fillColor(TEXT).text('Indicadores', MARGIN, MARGIN);
  let y = MARGIN + 28;
  y = tableRow(doc, ['Indicador', 'Período', 'Período anterior', 'Variação'], y, f.bold, '#1E3A8A');
  let section = '';
  m.kpis.forEach((k, i) => {
    y = ensureRoom(doc, y, 36);
    if (k.section !== section) {
      section = k.section;
      y = tableRow(doc, [section, '', '', ''], y, f.bold, '#DBEAFE');
    }
    const cells = [
      k.label,
      formatFigure(k.value, k.kind),
      formatFigure(k.previous, k.kind),
      formatVariation(k.variation),
    ];
    y = tableRow(doc, cells, y, f.regular, i % 2 ? '#F9FAFB' : undefined);
  });
  for (const t of m.breakdowns) {
    if (t.rows.length === 0) continue;
    y = ensureRoom(doc, y + 16, 60);
    doc.font(f.bold).fontSize(11).fillColor(TEXT).text(t.title, MARGIN, y);
    y = tableRow(doc, ['Item', 'Período', 'Período anterior', 'Variação'], y + 16, f.bold, '#1E3A8A');
    t.rows.forEach((r, i) => {
      y = ensureRoom(doc, y, 18);
      const cells = [
        r.key,
        formatFigure(r.value, 'count'),
        formatFigure(r.previous, 'count'),
        formatVariation(r.variation),
      ];
      y = tableRow(doc, cells, y, f.regular, i % 2 ? '#F9FAFB' : undefined);
    });
  }
}

function charts(doc: Doc, m: ReportModel, f: Fonts): void {
  doc.addPage();
  doc.font(f.bold).fontSize(16).fillColor(TEXT).text('Gráficos', MARGIN, MARGIN);
  const w = doc.page.width - 2 * MARGIN;
  columnChart(
    doc,
    { x: MARGIN, y: 90, w, h: 240 },
    'Volume por dia (mensagens enviadas)',
    m.volumeByDay,
    COLORS[0],
    f,
  );
  funnelChart(doc, { x: MARGIN, y: 360, w, h: 140 }, 'Funil de entrega', m.funnel, COLORS.slice(0, 3), f);
  const slices = m.channelMix.map((c) => ({ label: c.channel, value: c.value }));
  donutChart(doc, { x: MARGIN, y: 530, w, h: 230 }, 'Mensagens por canal', slices, COLORS, f);
}

export function writePdf(m: ReportModel, fontDir: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Relatório de desempenho — ${m.workspaceName}`, Author: 'Ponte' },
    lang: 'pt-BR',
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const fonts = registerFonts(doc, fontDir);
  cover(doc, m, fonts);
  tables(doc, m, fonts);
  charts(doc, m, fonts);
  doc.end();
  return done;
}
