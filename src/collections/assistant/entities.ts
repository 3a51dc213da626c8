import { extractAmounts, extractInstallments, fold } from '../br/amounts';
import { parseDate } from '../br/dates';

export interface MessageEntities {
  /** Amounts in cents, in order. */
  amounts?: number[];
  /** YYYY-MM-DD. */
  date?: string;
  installments?: number;
  /** "a segunda", "opção 2", "2": which offered option (1-based). */
  choice?: number;
}

const ORDINALS: Array<[RegExp, number]> = [
  [/\b(primeir[ao]|1[ao]?|um|uma|opcao 1)\b/, 1],
  [/\b(segund[ao]|2[ao]?|dois|duas|opcao 2)\b/, 2],
  [/\b(terceir[ao]|3[ao]?|tres|opcao 3)\b/, 3],
  [/\b(quart[ao]|4[ao]?|quatro|opcao 4)\b/, 4],
];

/** Amounts, a date, an instalment count and an option pick, read from a pt-BR message. */
export function extractEntities(text: string, now: Date, timeZone = 'America/Sao_Paulo'): MessageEntities {
  const out: MessageEntities = {};
  const amounts = extractAmounts(text);
  if (amounts.length) out.amounts = amounts;
  const date = parseDate(text, now, timeZone);
  if (date) out.date = date;
  const installments = extractInstallments(text);
  if (installments) out.installments = installments;
  const t = fold(text).trim();
  // a short answer naming an option: "a segunda", "quero a 2", "opção 3"
  if (t.split(/\s+/).length <= 5 && !out.installments) {
    for (const [re, n] of ORDINALS)
      if (re.test(t)) {
        out.choice = n;
        break;
      }
  }
  return out;
}
