/** A score read from a feedback reply, and the scale it is on (1–5 or 0–10). */
export interface FeedbackScore {
  score: number;
  scale: 5 | 10;
}

/** Words and emojis, on the 1–5 scale; a phrase that negates a word is listed before the word. */
const WORDS: ReadonlyArray<readonly [RegExp, number]> = [
  [word('pessim[oa]s?|horrivel|horriveis|terrivel|odiei|lixo|muito ruim|uma merda|vergonha'), 1],
  [/😡|😠|🤬|💩|🤮/u, 1],
  [
    word(
      'nao gostei|nao curti|nada bom|nao foi bom|nao foi boa|ruim|fraco|fraca|insatisfeit[oa]|decepcion\\w*|chatead[oa]',
    ),
    2,
  ],
  [/👎|🙁|☹|😞|😕|😒|😢/u, 2],
  [word('razoavel|regular|mais ou menos|mediano|mediana|so ok|normal'), 3],
  [/😐|😑|🤷/u, 3],
  [
    word(
      'otim[oa]s?|excelente|perfeit[oa]|maravilhos[oa]|sensacional|incrivel|fantastic[oa]|espetacular|adorei|amei|nota mil|muito bom|muito boa|top|show de bola|nota dez',
    ),
    5,
  ],
  [/😍|🤩|❤|🥰|👏|💯|😻|🙌/u, 5],
  [word('bom|boa|gostei|curti|legal|satisfeit[oa]|bem atendid[oa]'), 4],
  [/👍|🙂|😊|😀|😃|😄|☺/u, 4],
];

/** "9/10", "4 de 5", "8 em 10": the number and the scale it names. */
const FRACTION = /(?<![\d.,])(\d{1,2}(?:[.,]5)?)\s*(?:\/|de|em)\s*(5|10)(?!\d)/;
/** "nota 9", "dou 10", "minha nota é 8", "avalio com 7". */
const CUED =
  /(?<![a-z])(?:nota|dou|daria|avalio|avaliacao|pontuacao)(?![a-z])\W{0,3}(?:(?:e|eh|seria|foi|com|um|uma)\s+)?(\d{1,2}(?:[.,]5)?)(?![\d:/])/;
/** A reply that starts with its number: "10!", "9, adorei", "8 - bom". Not a time, date, amount... */
const LEADING =
  /^\W*(\d{1,2}(?:[.,]5)?)(?![\d:/h])(?!\s*(?:h|hs|hrs?|horas?|min\w*|dias?|mes(?:es)?|anos?|reais|%|x|de\s|do\s|da\s|as\s|pessoas?)(?![a-z]))/;
const STARS = /(\d)\s*estrelas?/;
const STAR_EMOJI = /⭐|🌟/gu;

/**
 * The score in a reply to a feedback request: a number (0–10, or 1–5 when the reply names the 5:
 * "4/5", "4 estrelas", ⭐⭐⭐⭐) with a cue ("nota 9") or at the start ("10!"), else pt-BR words
 * and emojis on 1–5 ("ótimo" 5, "bom" 4, "razoável" 3, "ruim" 2, "péssimo" 1). Null when the
 * reply holds no score: a number in the middle of a sentence ("remarcar para o dia 10") is not one.
 */
export function parseFeedbackScore(reply: string): FeedbackScore | null {
  if (typeof reply !== 'string') return null;
  // Accents and variation selectors off, lower case: "Ótimo" and "otimo", "❤️" and "❤" alike.
  const text = reply.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().slice(0, 2000);
  if (!text) return null;
  const fraction = FRACTION.exec(text);
  if (fraction) {
    const scale = Number(fraction[2]) as 5 | 10;
    const score = numberOf(fraction[1]);
    if (score <= scale) return { score, scale };
  }
  const stars = STARS.exec(text);
  if (stars && Number(stars[1]) >= 1 && Number(stars[1]) <= 5) return { score: Number(stars[1]), scale: 5 };
  const starEmoji = text.match(STAR_EMOJI)?.length ?? 0;
  if (starEmoji >= 1 && starEmoji <= 5) return { score: starEmoji, scale: 5 };
  for (const pattern of [CUED, LEADING]) {
    const match = pattern.exec(text);
    if (match && numberOf(match[1]) <= 10) return { score: numberOf(match[1]), scale: 10 };
  }
  return wordScore(text);
}

/** The earliest word or emoji wins ("ótimo, mas demorou" is 5); at one place, the longest phrase. */
function wordScore(text: string): FeedbackScore | null {
  let best: { at: number; length: number; score: number } | undefined;
  for (const [pattern, score] of WORDS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const candidate = { at: match.index, length: match[0].length, score };
    if (!best || candidate.at < best.at || (candidate.at === best.at && candidate.length > best.length))
      best = candidate;
  }
  return best ? { score: best.score, scale: 5 } : null;
}

function word(alternatives: string): RegExp {
  return new RegExp(`(?<![a-z])(?:${alternatives})(?![a-z])`);
}

function numberOf(text: string): number {
  return Number(text.replace(',', '.'));
}
