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
 * count as `items.0`. A clean value is walked without building a path or an entry list: this runs
 * on every request's params, query and body.
 */
export function findUnstorableText(value: unknown): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : '(body)';
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  const found = unstorableIn(value as Record<string, unknown>, 0);
  return found && found.join('.');
}

/** The path (innermost key last) to the first unstorable key or string under `value`. */
function unstorableIn(value: Record<string, unknown>, depth: number): string[] | undefined {
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (!isStorableText(key)) return [key];
    const item = value[key];
    if (typeof item === 'string') {
      if (!isStorableText(item)) return [key];
    } else if (item !== null && typeof item === 'object' && !ArrayBuffer.isView(item) && depth < MAX_DEPTH) {
      const below = unstorableIn(item as Record<string, unknown>, depth + 1);
      if (below) return [key, ...below];
    }
  }
  return undefined;
}

/**
 * A copy with every string (values and keys) made storable; the very same value when nothing
 * needed it, so callers can tell by identity whether anything changed. A clean value (nearly every
 * webhook) is only walked, not copied.
 */
export function toStorableValue<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (value === null || typeof value !== 'object' || findUnstorableText(value) === undefined) return value;
  return storableCopy(value, 0);
}

function storableCopy<T>(value: T, depth: number): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => storableCopy(item, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [toStorableText(key), storableCopy(item, depth + 1)]),
  ) as T;
}
