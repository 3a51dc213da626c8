/** Messages that are, in their entirety, a request to stop (marketing on that channel). */
const OPT_OUT_WORDS = new Set(['parar', 'sair', 'stop', 'cancelar', 'descadastrar']);
/** Messages that are, in their entirety, a request to start again. */
const OPT_IN_WORDS = new Set(['voltar', 'start']);
/** Phrases that opt out wherever they appear in the message (accents already removed). */
const OPT_OUT_PHRASES = [
  'parar de receber',
  'nao quero mais receber',
  'me tire da lista',
  'me tira da lista',
];

/**
 * Whether an inbound message asks to opt out of (or back into) marketing, as the spec words it:
 * the whole message is one keyword (`PARAR`, `SAIR`, `STOP`, `CANCELAR`, `DESCADASTRAR`; `VOLTAR`,
 * `START` to opt in) in any case, with or without accents, surrounding punctuation or emoji; or
 * the message contains an opt-out phrase ("parar de receber", "não quero mais receber", "me
 * tire/tira da lista"). A keyword inside a longer sentence ("vou sair mais cedo hoje", "posso
 * cancelar a consulta?") is not a request, nor is a phrase negated just before it in the same
 * clause ("não quero parar de receber"; but "Não, quero parar de receber" is).
 */
export function classifyConsentMessage(text: string | null): 'opt-out' | 'opt-in' | null {
  if (!text) return null;
  const clauses = normalise(text);
  const words = clauses.flat();
  if (words.length === 1) {
    if (OPT_OUT_WORDS.has(words[0])) return 'opt-out';
    if (OPT_IN_WORDS.has(words[0])) return 'opt-in';
    return null;
  }
  for (const clause of clauses) {
    const sentence = ` ${clause.join(' ')} `;
    for (const phrase of OPT_OUT_PHRASES) {
      for (let at = sentence.indexOf(` ${phrase} `); at >= 0; at = sentence.indexOf(` ${phrase} `, at + 1)) {
        if (!negated(sentence.slice(0, at))) return 'opt-out';
      }
    }
  }
  return null;
}

/**
 * Clauses (split at sentence punctuation) of words: lower case, accents removed, letters and
 * digits only (other punctuation and emoji dropped).
 */
function normalise(text: string): string[][] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[,;.!?:\n]+/)
    .map((clause) => clause.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
    .filter((clause) => clause.length > 0);
}

/** "não quero parar de receber", "nao vou parar de receber": a negation just before, same clause. */
function negated(before: string): boolean {
  return before.trim().split(' ').slice(-2).includes('nao');
}
