const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  laquo: '«',
  raquo: '»',
  ordm: 'º',
  ordf: 'ª',
};

function codePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff)
    ? String.fromCodePoint(n)
    : '\uFFFD';
}

/** `&lt;` `&#60;` `&#x3C;` and the common named entities; unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    return codePoint(
      ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10),
    );
  });
}

const BLOCK = 'p|div|h[1-6]|ul|ol|table|blockquote|section|article|header|footer|hr|pre';

/**
 * The plain-text part of an e-mail from its HTML: what a reader would see, without markup. Tags
 * are removed before entities are decoded, so escaped data (`&lt;script&gt;`) comes out as the
 * text it was and is never taken for a tag. Links keep their address: `Avaliar (https://…)`.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    // As a browser does: any run of white space in the source is one space.
    .replace(/\s+/g, ' ')
    // Bounded, so that a page of unclosed links cannot make the match quadratic.
    .replace(
      /<a\s[^>]{0,500}?href\s*=\s*"([^"]{0,2000})"[^>]{0,500}>(.{0,2000}?)<\/a\s*>/gi,
      (_, href: string, inner: string) => {
        const label = inner.replace(/<[^>]*>/g, '').trim();
        const url = href.trim();
        if (!label) return url;
        return !url || decodeEntities(label) === decodeEntities(url) || /^(#|javascript:)/i.test(url)
          ? label
          : `${label} (${url})`;
      },
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    .replace(/<\/(tr|dt|dd)\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(new RegExp(`</?(${BLOCK})\\b[^>]*>`, 'gi'), '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
