/**
 * PostgreSQL refuses two things JSON and JavaScript strings allow: the NUL character (in `text`
 * and in `jsonb`) and unpaired UTF-16 surrogates (`\ud800` alone is not a character, so it has no
 * UTF-8 form). Either one reaching a query is a driver error, i.e. a 500. API input carrying them
 * is refused up front (see text-guard); provider webhooks, which we must not refuse, are cleaned.
 */

const NUL = '\u0000';
/** U+FFFD, what `toWellFormed` puts in place of an unpaired surrogate; used for NUL too. */
const REPLACEMENT = '\ufffd';
/** Deeper than any accepted body (the parsers cap JSON depth well below). */
const MAX_DEPTH = 256;

export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && text.isWellFormed();
}

export function toStorableText(text: string): string {
  return isStorableText(text) ? text : text.replaceAll(NUL, REPLACEMENT).toWellFormed();
}

/**
 * The dot path of the first string (value or key) PostgreSQL would refuse, or undefined. Arrays
 * count as `items.0`.
 */
export function findUnstorableText(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(body)';
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return at;
    const found = findUnstorableText(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * A copy with every string (values and keys) made storable; the very same value when nothing
 * needed it, so callers can tell by identity whether anything changed.
 */
export function toStorableValue<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  let changed = false;
  const clean = <V>(before: V, after: V): V => {
    if (before !== after) changed = true;
    return after;
  };
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => clean(item, toStorableValue(item, depth + 1)));
    return changed ? (items as T) : value;
  }
  const entries = Object.entries(value).map(([key, item]) => [
    clean(key, toStorableText(key)),
    clean(item, toStorableValue(item, depth + 1)),
  ]);
  return changed ? (Object.fromEntries(entries) as T) : value;
}
