/**
 * The bank boleto's linha digitável (47 digits, business-br.md §3): three fields with a mod-10
 * check digit each, the barcode's general mod-11 digit, and the due-date factor + value. We only
 * validate and read it; the bank or ERP issues the boleto.
 */
export interface BoletoLine {
  /** The 47 digits. */
  line: string;
  /** The 44-digit barcode it encodes. */
  barcode: string;
  bank: string;
  amountCents: number;
  /** YYYY-MM-DD, or null for factor 0000 (no due date). */
  dueDate: string | null;
}

function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const p = Number(digits[i]) * weight;
    sum += p > 9 ? Math.floor(p / 10) + (p % 10) : p;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

function mod11(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const dv = 11 - (sum % 11);
  return dv === 0 || dv === 10 || dv === 11 ? 1 : dv;
}

const DAY = 86_400_000;
const BASE = Date.UTC(1997, 9, 7);
/** From 2025-02-22 the factor restarts at 1000 (FEBRABAN). */
const RESET = Date.UTC(2025, 1, 22);

/** The factor's date, choosing the cycle nearest to `today`. */
function dueDateOf(factor: number, today: Date): string | null {
  if (factor === 0) return null;
  const first = BASE + factor * DAY;
  const second = RESET + (factor - 1000) * DAY;
  const t = today.getTime();
  const chosen = Math.abs(first - t) <= Math.abs(second - t) ? first : second;
  return new Date(chosen).toISOString().slice(0, 10);
}

/** The boleto a line describes, or undefined when any check digit is wrong. */
export function parseBoletoLine(input: string, today = new Date()): BoletoLine | undefined {
  const d = input.replace(/[\s.]/g, '');
  if (!/^\d{47}$/.test(d)) return undefined;
  const f1 = d.slice(0, 10);
  const f2 = d.slice(10, 21);
  const f3 = d.slice(21, 32);
  const general = d[32];
  const f5 = d.slice(33, 47);
  for (const f of [f1, f2, f3]) if (mod10(f.slice(0, -1)) !== Number(f.slice(-1))) return undefined;
  const free = f1.slice(4, 9) + f2.slice(0, 10) + f3.slice(0, 10);
  const barcode = f1.slice(0, 4) + general + f5 + free;
  if (mod11(barcode.slice(0, 4) + barcode.slice(5)) !== Number(general)) return undefined;
  return {
    line: d,
    barcode,
    bank: d.slice(0, 3),
    amountCents: Number(f5.slice(4)),
    dueDate: dueDateOf(Number(f5.slice(0, 4)), today),
  };
}

/** `42297.11504 00001.954411 60020.034520 2 68610000054659`. */
export function formatBoletoLine(line: string): string {
  const d = line.replace(/\D/g, '');
  return `${d.slice(0, 5)}.${d.slice(5, 10)} ${d.slice(10, 15)}.${d.slice(15, 21)} ${d.slice(21, 26)}.${d.slice(26, 32)} ${d[32]} ${d.slice(33)}`;
}

/** The line of a 44-digit barcode (its general digit recomputed): for test data and checks. */
export function lineFromBarcode(barcode: string): string {
  const b = barcode.replace(/\D/g, '');
  if (b.length !== 44) throw new Error('a barcode has 44 digits');
  const general = mod11(b.slice(0, 4) + b.slice(5));
  const free = b.slice(19);
  const f1 = b.slice(0, 4) + free.slice(0, 5);
  const f2 = free.slice(5, 15);
  const f3 = free.slice(15, 25);
  return `${f1}${mod10(f1)}${f2}${mod10(f2)}${f3}${mod10(f3)}${general}${b.slice(5, 19)}`;
}
