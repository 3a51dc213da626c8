/**
 * Text templates made only of text and `{{ path }}` / `{{ path | filter }}` outputs (a WhatsApp
 * body, its parameters, an SMS: `Olá, {{ name | first_name }}!`), rendered by substitution with
 * LiquidJS's result for them. LiquidJS runs every output through its generators and a render
 * context: about a tenth of what an e2e message allocated went there.
 *
 * Whatever the subset does not know bails out and LiquidJS renders as before: a missing or null
 * value (its strict-variable error names every missing one), a value that is not a string or a
 * number, whitespace control, tags, filters with arguments or not listed. Checked side by side
 * with the engine in template-fast-path.spec.ts.
 */

/** Longer sources are left to LiquidJS and its parse cache, keyed by digest (not by a copy of the source). */
export const FAST_TEMPLATE_MAX_LENGTH = 2_048;

/** `{{ a.b }}` or `{{ a.b | f }}`: plain identifiers only (no `-`, `?`, brackets or literals). */
const OUTPUT = /\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\|\s*([a-z_]+)\s*)?\}\}/g;
/** Names LiquidJS reads as literals or loop objects, not as data. */
const RESERVED = new Set(['true', 'false', 'nil', 'null', 'empty', 'blank', 'forloop', 'tablerowloop']);

/** A filter of one string argument. */
export type TextFilter = (value: string) => unknown;

/** The rendered text, or undefined when LiquidJS must render it. */
export type FastTemplate = (data: Record<string, unknown>) => string | undefined;

interface Output {
  path: string[];
  filter: TextFilter | null;
}

/** Compiles `source` when it stays in the subset (null otherwise); `filters` are the ones it may call. */
export function compileFastTemplate(
  source: string,
  filters: Record<string, TextFilter>,
): FastTemplate | null {
  const texts: string[] = [];
  const outputs: Output[] = [];
  let at = 0;
  for (const match of source.matchAll(OUTPUT)) {
    const [whole, path, filterName] = match;
    const text = source.slice(at, match.index);
    const segments = path.split('.');
    if (isMarkup(text) || RESERVED.has(segments[0])) return null;
    const filter =
      filterName === undefined ? null : Object.hasOwn(filters, filterName) ? filters[filterName] : undefined;
    if (filter === undefined) return null;
    texts.push(text);
    outputs.push({ path: segments, filter });
    at = match.index + whole.length;
  }
  const tail = source.slice(at);
  if (isMarkup(tail)) return null;
  texts.push(tail);
  return (data) => {
    let out = texts[0];
    for (let i = 0; i < outputs.length; i++) {
      const value = render(outputs[i], data);
      if (value === undefined) return undefined;
      out += value + texts[i + 1];
    }
    return out;
  };
}

/** Text LiquidJS would read as markup: an output or a tag the pattern did not take. */
function isMarkup(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

function render({ path, filter }: Output, data: Record<string, unknown>): string | undefined {
  let value: unknown = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  if (filter) {
    if (typeof value !== 'string') return undefined;
    value = filter(value);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
