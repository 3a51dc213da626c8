/**
 * Generates the labelled pt-BR data set of the collections assistant (data/collections/intents.jsonl):
 * many templates per intent, filled with amounts, dates and names, then roughened the way people
 * write on WhatsApp (no accents, typos, "vc/pq/blz", repeated letters, emojis, audio-transcript
 * style). Deterministic (seeded), so the committed file is reproducible:
 * `npm run build && node dist/scripts/collections-dataset.js`.
 *
 * The held-out split is not a copy of training lines: whole templates are held out (every fifth
 * of each intent), and no normalised text appears in both splits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalise } from '../src/collections/assistant/intent-model';
import { TEMPLATES } from './collections-templates';

let seed = 20261203;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const SLOTS: Record<string, readonly string[]> = {
  amount: [
    'R$ 150,00',
    '200 reais',
    '500 conto',
    'mil e quinhentos',
    'R$ 1.234,56',
    '300',
    'uns 400',
    'R$80',
    '2 mil',
    '1,5 mil',
    'cem reais',
    '50 pila',
  ],
  date: [
    'dia 15',
    'sexta',
    'semana que vem',
    '15/12',
    'amanhã',
    'segunda',
    'dia 5',
    'fim do mês',
    'mês que vem',
    '20/01',
    'depois de amanhã',
    'dia 10',
  ],
  n: ['2', '3', '4', '5', '6', '10', '12', 'duas', 'três', 'quatro'],
  name: ['Maria', 'João', 'dona Ana', 'seu Carlos', 'moço', 'moça', 'amigo', 'querida'],
  hi: ['oi', 'olá', 'bom dia', 'boa tarde', 'boa noite', 'opa', 'e aí', 'oii', 'oie', ''],
  bank: ['nubank', 'itaú', 'caixa', 'bradesco', 'banco do brasil', 'inter', 'santander', 'picpay'],
};
const EMOJIS = ['🙏', '😅', '👍', '😡', '😢', '🤔', '✅', '🙂', '😊', '💸', '😤', '🙄'];
const ABBREV: Array<[RegExp, string]> = [
  [/\bvocê\b/g, 'vc'],
  [/\bporque\b/g, 'pq'],
  [/\bpor que\b/g, 'pq'],
  [/\bque\b/g, 'q'],
  [/\bbeleza\b/g, 'blz'],
  [/\btambém\b/g, 'tb'],
  [/\bnão\b/g, 'n'],
  [/\bestou\b/g, 'tô'],
  [/\bpara\b/g, 'pra'],
  [/\bobrigad[oa]\b/g, 'obg'],
  [/\bmensagem\b/g, 'msg'],
  [/\bhoje\b/g, 'hj'],
  [/\bqualquer\b/g, 'qlq'],
  [/\bfavor\b/g, 'fvr'],
];

const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');

function typo(s: string): string {
  const words = s.split(' ');
  const i = Math.floor(rand() * words.length);
  const w = words[i];
  if (w.length < 4) return s;
  const j = 1 + Math.floor(rand() * (w.length - 2));
  const kind = rand();
  words[i] =
    kind < 0.33
      ? w.slice(0, j) + w.slice(j + 1) // dropped letter
      : kind < 0.66
        ? w.slice(0, j) + w[j + 1] + w[j] + w.slice(j + 2) // swapped letters
        : w.slice(0, j) + w[j] + w.slice(j); // doubled letter
  return words.join(' ');
}

function roughen(text: string): string {
  let s = text;
  if (rand() < 0.45) for (const [re, to] of ABBREV) if (rand() < 0.7) s = s.replace(re, to);
  if (rand() < 0.4) s = stripAccents(s);
  if (rand() < 0.3) s = typo(s);
  if (rand() < 0.5) s = s.toLowerCase();
  if (rand() < 0.08) s = s.toUpperCase();
  if (rand() < 0.15) s = s.replace(/[.,!?]/g, '');
  if (rand() < 0.1) s = s.replace(/([aeiou])\b/, '$1$1$1');
  if (rand() < 0.1) s = `é... ${s.replace(/[.!?]$/, '')} né`; // audio transcript
  if (rand() < 0.25) s = `${s} ${pick(EMOJIS)}`;
  if (rand() < 0.05) s = `${pick(EMOJIS)} ${s}`;
  return s.replace(/\s+/g, ' ').trim();
}

function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => pick(SLOTS[slot] ?? ['']));
}

/** What the classifier sees (amounts and dates as placeholders): no such text in both splits. */
const norm = (s: string) => normalise(s).join(' ');

interface Line {
  text: string;
  intent: string;
  split: 'train' | 'test';
  template: number;
}

const lines: Line[] = [];
const seen = new Map<string, 'train' | 'test'>();
for (const [intent, templates] of Object.entries(TEMPLATES)) {
  templates.forEach((template, index) => {
    const heldOut = index % 5 === 4;
    const variants = heldOut ? 6 : 9;
    for (let v = 0, tries = 0; v < variants && tries < variants * 6; tries++) {
      let text = fill(template);
      if (rand() < 0.3 && intent !== 'greeting') {
        const hi = pick(SLOTS.hi);
        if (hi) text = `${hi}, ${text}`;
      }
      text = v === 0 ? text : roughen(text);
      const key = norm(text);
      if (!key || seen.has(key)) continue;
      const split: Line['split'] = heldOut ? 'test' : rand() < 0.12 ? 'test' : 'train';
      seen.set(key, split);
      lines.push({ text, intent, split, template: index });
      v++;
    }
  });
}

const out = join(__dirname, '..', '..', 'data', 'collections', 'intents.jsonl');
writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
const count = (split: string) => lines.filter((l) => l.split === split).length;
console.log(`Wrote ${lines.length} messages (${count('train')} train, ${count('test')} test) to ${out}`);
