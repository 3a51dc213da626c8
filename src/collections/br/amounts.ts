/**
 * Amounts in Brazilian Portuguese as people write them (business-br.md §5.2): `R$ 1.234,56`,
 * `1.234,56 reais`, `mil e quinhentos`, `1,5 mil`, `500 conto`, `2k`, `quinhentos e cinquenta
 * reais`. Dots are thousands, the comma is decimal. Dates (`15/12`), instalment counts (`3x`),
 * days (`dia 15`) and documents (CPF) are never money.
 */
const UNITS: Record<string, number> = {
  zero: 0,
  um: 1,
  uma: 1,
  dois: 2,
  duas: 2,
  tres: 3,
  quatro: 4,
  cinco: 5,
  seis: 6,
  sete: 7,
  oito: 8,
  nove: 9,
  dez: 10,
  onze: 11,
  doze: 12,
  treze: 13,
  quatorze: 14,
  catorze: 14,
  quinze: 15,
  dezesseis: 16,
  dezessete: 17,
  dezoito: 18,
  dezenove: 19,
  vinte: 20,
  trinta: 30,
  quarenta: 40,
  cinquenta: 50,
  sessenta: 60,
  setenta: 70,
  oitenta: 80,
  noventa: 90,
  cem: 100,
  cento: 100,
  duzentos: 200,
  trezentos: 300,
  quatrocentos: 400,
  quinhentos: 500,
  seiscentos: 600,
  setecentos: 700,
  oitocentos: 800,
  novecentos: 900,
};
const CURRENCY = '(?:reais|real|conto|contos|pila|pilas|paus|pau|mangos|dilmas)';

/** Lower case, accents removed: the form every pt-BR rule here reads. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function numeric(intPart: string, decimals: string | undefined): number {
  return Number(intPart.replace(/\./g, '')) * 100 + (decimals ? Number(decimals.padEnd(2, '0')) : 0);
}

/** `mil e quinhentos` → 1500; undefined when the words are not a number. */
export function wordsToNumber(words: string[]): number | undefined {
  let total = 0;
  let group = 0;
  let seen = false;
  for (const w of words) {
    if (w === 'e') continue;
    if (w === 'mil') {
      total += (group || 1) * 1000;
      group = 0;
    } else if (w === 'milhao' || w === 'milhoes') {
      total += (group || 1) * 1_000_000;
      group = 0;
    } else if (UNITS[w] !== undefined) group += UNITS[w];
    else return undefined;
    seen = true;
  }
  return seen ? total + group : undefined;
}

const NUMBER_WORD = `(?:${[...Object.keys(UNITS), 'mil', 'milhao', 'milhoes'].join('|')})`;
const WORD_RUN = new RegExp(
  `\\b${NUMBER_WORD}(?:\\s+(?:e\\s+)?${NUMBER_WORD})*\\b(\\s+${CURRENCY}\\b)?`,
  'g',
);
const NUMBER = new RegExp(
  String.raw`(r\$\s*)?(?<![\d/.,:])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?![\d/:]|,\d)(?:\s*(k|mil)\b)?(\s*${CURRENCY}\b)?`,
  'g',
);

/** Every amount in the text, in cents, in order of appearance. */
export function extractAmounts(text: string): number[] {
  const t = fold(text);
  const found: Array<{ at: number; cents: number }> = [];
  const taken: Array<[number, number]> = [];
  for (const m of t.matchAll(NUMBER)) {
    const [all, currency, int, dec, mult, suffix] = m;
    const before = t.slice(Math.max(0, m.index - 5), m.index);
    const after = t.slice(m.index + all.length, m.index + all.length + 10);
    // instalments and days are not money: "3x", "3 vezes", "dia 15", "15 de dezembro"
    if (!currency && /^\s*(x\b|vez|vezes|parcela|prestac|dias\b|de\s+[a-z]{3,}|h\b|hs?\b|horas?)/.test(after))
      continue;
    if (!currency && /\bdia\s*$/.test(before)) continue;
    const marked = currency || mult || suffix || dec !== undefined || int.includes('.');
    // a bare number: plausible money unless it is a document or tiny
    if (!marked && (int.length > 7 || Number(int) < 10)) continue;
    let cents = numeric(int, dec);
    if (mult) cents *= 1000;
    found.push({ at: m.index, cents });
    taken.push([m.index, m.index + all.length]);
  }
  for (const m of t.matchAll(WORD_RUN)) {
    if (taken.some(([a, b]) => m.index < b && m.index + m[0].length > a)) continue;
    const words = m[0].replace(new RegExp(`\\s+${CURRENCY}$`), '').split(/\s+/);
    const value = wordsToNumber(words);
    const after = t.slice(m.index + m[0].length, m.index + m[0].length + 10);
    if (value === undefined || /^\s*(x\b|vez|vezes|parcela|prestac|dias\b|semanas?|mes)/.test(after))
      continue;
    // "uma", "dois": counts, not money, unless a currency word follows
    if (!m[1] && value < 100) continue;
    found.push({ at: m.index, cents: value * 100 });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.cents);
}

/** The first amount, or undefined. */
export function parseAmount(text: string): number | undefined {
  return extractAmounts(text)[0];
}

/** "3x", "em 3 vezes", "três parcelas", "parcelar em 4": the number of instalments asked for. */
export function extractInstallments(text: string): number | undefined {
  const t = fold(text);
  const digits =
    /\b(\d{1,2})\s*(?:x\b|vezes|parcelas|prestacoes)/.exec(t) ?? /parcel\w*\s+em\s+(\d{1,2})\b/.exec(t);
  if (digits) return Number(digits[1]);
  const words = new RegExp(`\\b(${NUMBER_WORD})\\s+(?:vezes|parcelas|prestacoes)`).exec(t);
  return words ? wordsToNumber([words[1]]) : undefined;
}

/** `R$ 1.234,56`. */
export function formatBRL(cents: number): string {
  const reais = Math.floor(Math.abs(cents) / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '-' : ''}R$ ${reais},${String(Math.abs(cents) % 100).padStart(2, '0')}`;
}
