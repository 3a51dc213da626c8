import type PDFDocument from 'pdfkit';
import { formatCount, shortDay } from './report-format';

type Doc = InstanceType<typeof PDFDocument>;
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const AXIS = '#6B7280';
const GRID = '#E5E7EB';
const TEXT = '#111827';

/** A round step for the value axis: 1, 2 or 5 × 10^n, about four gridlines. */
function niceStep(max: number): number {
  const raw = Math.max(max, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
}

function title(doc: Doc, box: Box, text: string, font: string): void {
  doc.font(font).fontSize(12).fillColor(TEXT).text(text, box.x, box.y, { width: box.w });
}

/** Vertical bars with a value axis and gridlines; day labels thinned to fit. */
export function columnChart(
  doc: Doc,
  box: Box,
  t: string,
  data: Array<{ day: string; value: number }>,
  color: string,
  fonts: { regular: string; bold: string },
): void {
  title(doc, box, t, fonts.bold);
  const plot = { x: box.x + 44, y: box.y + 24, w: box.w - 52, h: box.h - 48 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  doc.font(fonts.regular).fontSize(7).fillColor(AXIS);
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = plot.y + plot.h - (v / top) * plot.h;
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.w, y)
      .lineWidth(0.5)
      .strokeColor(GRID)
      .stroke();
    doc.text(formatCount(v), box.x, y - 3.5, { width: 40, align: 'right' });
  }
  const slot = plot.w / Math.max(data.length, 1);
  const every = Math.ceil(data.length / 12);
  data.forEach((d, i) => {
    const h = (d.value / top) * plot.h;
    doc
      .rect(plot.x + i * slot + slot * 0.15, plot.y + plot.h - h, slot * 0.7, h)
      .fillColor(color)
      .fill();
    if (i % every === 0)
      doc.fillColor(AXIS).text(shortDay(d.day), plot.x + i * slot - 15 + slot / 2, plot.y + plot.h + 4, {
        width: 30,
        align: 'center',
      });
  });
  doc
    .moveTo(plot.x, plot.y + plot.h)
    .lineTo(plot.x + plot.w, plot.y + plot.h)
    .lineWidth(1)
    .strokeColor(AXIS)
    .stroke();
}

/** Horizontal bars, widest first, each with its count and its share of the first stage. */
export function funnelChart(
  doc: Doc,
  box: Box,
  t: string,
  stages: Array<{ stage: string; value: number }>,
  colors: string[],
  fonts: { regular: string; bold: string },
): void {
  title(doc, box, t, fonts.bold);
  const top = Math.max(1, stages[0]?.value ?? 0);
  const labelW = 70;
  const barH = Math.min(28, (box.h - 30) / Math.max(stages.length, 1) - 8);
  stages.forEach((s, i) => {
    const y = box.y + 26 + i * (barH + 8);
    const w = Math.max(1, (s.value / top) * (box.w - labelW - 90));
    doc
      .font(fonts.regular)
      .fontSize(9)
      .fillColor(TEXT)
      .text(s.stage, box.x, y + barH / 2 - 5, { width: labelW });
    doc
      .rect(box.x + labelW, y, w, barH)
      .fillColor(colors[i % colors.length])
      .fill();
    const share = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 }).format(
      s.value / top,
    );
    doc
      .fillColor(TEXT)
      .text(`${formatCount(s.value)} (${share})`, box.x + labelW + w + 6, y + barH / 2 - 5, { width: 84 });
  });
}

/** A ring of slices (SVG arc paths) with a legend: name, count and share. */
export function donutChart(
  doc: Doc,
  box: Box,
  t: string,
  slices: Array<{ label: string; value: number }>,
  colors: string[],
  fonts: { regular: string; bold: string },
): void {
  title(doc, box, t, fonts.bold);
  const total = slices.reduce((s, x) => s + x.value, 0);
  const r = Math.min(box.h - 34, box.w / 2) / 2;
  const cx = box.x + r + 10;
  const cy = box.y + 26 + r;
  const inner = r * 0.55;
  if (total === 0) {
    doc
      .circle(cx, cy, r)
      .lineWidth(r - inner)
      .strokeColor(GRID)
      .stroke();
  }
  let angle = -Math.PI / 2;
  slices.forEach((s, i) => {
    if (s.value <= 0) return;
    const sweep = (s.value / total) * Math.PI * 2;
    const end = angle + Math.min(sweep, Math.PI * 2 - 1e-4);
    const large = sweep > Math.PI ? 1 : 0;
    const p = (rad: number, a: number) => `${cx + rad * Math.cos(a)} ${cy + rad * Math.sin(a)}`;
    doc
      .path(
        `M ${p(r, angle)} A ${r} ${r} 0 ${large} 1 ${p(r, end)} L ${p(inner, end)} A ${inner} ${inner} 0 ${large} 0 ${p(inner, angle)} Z`,
      )
      .fillColor(colors[i % colors.length])
      .fill();
    angle += sweep;
  });
  doc
    .font(fonts.bold)
    .fontSize(11)
    .fillColor(TEXT)
    .text(formatCount(total), cx - r, cy - 6, { width: 2 * r, align: 'center' });
  const pct = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 1 });
  slices.forEach((s, i) => {
    const y = box.y + 30 + i * 16;
    const x = cx + r + 24;
    doc
      .rect(x, y, 9, 9)
      .fillColor(colors[i % colors.length])
      .fill();
    doc
      .font(fonts.regular)
      .fontSize(9)
      .fillColor(TEXT)
      .text(`${s.label}: ${formatCount(s.value)} (${pct.format(total ? s.value / total : 0)})`, x + 14, y, {
        width: box.x + box.w - x - 14,
      });
  });
}
