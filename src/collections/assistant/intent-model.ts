import { extractAmounts, fold } from '../br/amounts';

/**
 * The intent classifier of the collections assistant: multinomial Naive Bayes over normalised
 * word uni/bi-grams and character 3-grams (business-br.md §5.1): no dependency, deterministic,
 * trained in milliseconds, classifies in well under a millisecond.
 */
export const INTENTS = [
  'paid',
  'negotiate',
  'promise_to_pay',
  'second_copy',
  'dispute',
  'opt_out',
  'greeting',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

const SLANG: Record<string, string> = {
  vc: 'voce',
  vcs: 'voces',
  voce: 'voce',
  q: 'que',
  pq: 'porque',
  blz: 'beleza',
  tb: 'tambem',
  tbm: 'tambem',
  n: 'nao',
  nao: 'nao',
  naum: 'nao',
  to: 'estou',
  tou: 'estou',
  ta: 'esta',
  tá: 'esta',
  pra: 'para',
  pro: 'para',
  obg: 'obrigado',
  msg: 'mensagem',
  msgs: 'mensagens',
  hj: 'hoje',
  qlq: 'qualquer',
  fvr: 'favor',
  pfv: 'favor',
  pfvr: 'favor',
  pls: 'favor',
  mto: 'muito',
  mt: 'muito',
  cmg: 'comigo',
  oq: 'o que',
  ngm: 'ninguem',
  td: 'tudo',
  tds: 'todos',
  vlw: 'valeu',
  flw: 'falou',
  ctz: 'certeza',
  qdo: 'quando',
  qnd: 'quando',
  dps: 'depois',
  agr: 'agora',
  zap: 'whatsapp',
  wpp: 'whatsapp',
  zapzap: 'whatsapp',
  pix: 'pix',
  bol: 'boleto',
  boletos: 'boleto',
};

const DATE_WORDS =
  /\b(dia \d{1,2}|\d{1,2}\/\d{1,2}(\/\d{2,4})?|segunda|terca|quarta|quinta|sexta|sabado|domingo|amanha|semana que vem|mes que vem|fim do mes|proxima semana|proximo mes)\b/g;

/** Lower case, no accents, repeats collapsed, slang expanded, amounts and dates as placeholders. */
export function normalise(text: string): string[] {
  let t = fold(text.normalize('NFKC'));
  t = t.replace(/(\p{L})\1{2,}/gu, '$1'); // "simmm" → "sim", "oiii" → "oi"
  if (extractAmounts(text).length)
    t = t.replace(/r\$\s*[\d.,]+|\b\d[\d.,]*\s*(reais|real|conto|contos|pila|k|mil)\b/g, ' valorx ');
  t = t.replace(DATE_WORDS, ' datax ');
  t = t.replace(/\b\d{1,2}\s*x\b/g, ' nx vezes ');
  t = t.replace(/\d+/g, ' numx ');
  const words = t.split(/[^\p{L}]+/u).filter(Boolean);
  return words.flatMap((w) => (SLANG[w] ?? w).split(' '));
}

export function features(text: string): string[] {
  const words = normalise(text);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    out.push(`w:${words[i]}`);
    if (i > 0) out.push(`b:${words[i - 1]}_${words[i]}`);
    const padded = `^${words[i]}$`;
    for (let j = 0; j + 3 <= padded.length; j++) out.push(`c:${padded.slice(j, j + 3)}`);
  }
  if (!words.length) out.push('empty');
  out.push(`len:${Math.min(words.length, 6)}`);
  return out;
}

export interface SerialisedModel {
  version: 1;
  alpha: number;
  classes: Intent[];
  docCounts: number[];
  tokenTotals: number[];
  /** feature → counts per class (same order as `classes`). */
  counts: Record<string, number[]>;
  trainedOn: number;
}

export interface Prediction {
  intent: Intent;
  confidence: number;
  scores: Record<string, number>;
}

export class IntentModel {
  private readonly logPrior: number[];
  private readonly vocabulary: number;

  constructor(private readonly m: SerialisedModel) {
    const docs = m.docCounts.reduce((a, b) => a + b, 0);
    this.logPrior = m.docCounts.map((c) => Math.log((c + 1) / (docs + m.classes.length)));
    this.vocabulary = Object.keys(m.counts).length;
  }

  static train(examples: Array<{ text: string; intent: string }>, alpha = 0.1): IntentModel {
    const classes = [...INTENTS];
    const docCounts = classes.map(() => 0);
    const tokenTotals = classes.map(() => 0);
    const counts: Record<string, number[]> = {};
    for (const ex of examples) {
      const c = classes.indexOf(ex.intent as Intent);
      if (c < 0) continue;
      docCounts[c]++;
      for (const f of features(ex.text)) {
        (counts[f] ??= classes.map(() => 0))[c]++;
        tokenTotals[c]++;
      }
    }
    return new IntentModel({
      version: 1,
      alpha,
      classes,
      docCounts,
      tokenTotals,
      counts,
      trainedOn: examples.length,
    });
  }

  toJSON(): SerialisedModel {
    return this.m;
  }

  predict(text: string): Prediction {
    const { classes, counts, tokenTotals, alpha } = this.m;
    const logp = [...this.logPrior];
    for (const f of features(text)) {
      const row = counts[f];
      if (!row) continue; // unseen everywhere: tells nothing
      for (let c = 0; c < classes.length; c++)
        logp[c] += Math.log((row[c] + alpha) / (tokenTotals[c] + alpha * this.vocabulary));
    }
    const max = Math.max(...logp);
    const exp = logp.map((l) => Math.exp(l - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    let best = 0;
    for (let c = 1; c < classes.length; c++) if (exp[c] > exp[best]) best = c;
    const scores = Object.fromEntries(classes.map((c, i) => [c, exp[i] / sum]));
    return { intent: classes[best], confidence: exp[best] / sum, scores };
  }
}
