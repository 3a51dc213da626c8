/**
 * Masks personal data (LGPD) and secrets before anything reaches a log line. Key names decide first
 * (a `phone` field is masked whatever its shape); any other string is scanned for e-mails, phone-like
 * digit runs, CPF/CNPJ and credentials.
 */

const REDACTED = '[REDACTED]';
const TRUNCATED = '[…]';
const CIRCULAR = '[Circular]';
const MAX_DEPTH = 6;
const MAX_ARRAY_ITEMS = 100;
const HIDDEN = '•••••';

type FieldKind = 'secret' | 'phone' | 'contact' | 'email' | 'text' | 'name' | 'document' | 'geo';

// Keys are compared lowercased without '-' and '_', so `api_key`, `x-api-key` and `apiKey` all match.
const KEYS_BY_KIND: Record<FieldKind, string> = {
  secret:
    'password pass passwd secret token authorization proxyauthorization cookie setcookie apikey xapikey key',
  phone: 'phone phonenumber waid recipientid msisdn',
  contact: 'from to',
  email: 'email',
  text: 'text body caption messagetext address filename',
  name: 'name contactname fullname firstname lastname displayname profilename pushname username',
  document: 'cpf cnpj',
  geo: 'latitude longitude',
};
const FIELD_KINDS = new Map<string, FieldKind>();
for (const [kind, keys] of Object.entries(KEYS_BY_KIND)) {
  for (const key of keys.split(' ')) FIELD_KINDS.set(key, kind as FieldKind);
}
// Also covers hmacKey, privateKey, accessToken, clientToken, appSecret, webhookVerifyToken...
const SECRET_SUFFIXES = ['password', 'secret', 'token', 'apikey', 'cookie', 'hmackey', 'privatekey'];

// Containers of a message or HTTP payload: their children are judged by their own keys, so a logged
// request `body` keeps its ids readable. Other personal kinds mask every string below them.
const PER_CHILD_KINDS = new Set(['text', 'body']);

const kindCache = new Map<string, FieldKind | null>();

function fieldKind(key: string): FieldKind | undefined {
  let kind = kindCache.get(key);
  if (kind === undefined) {
    const k = key.toLowerCase().replace(/[-_]/g, '');
    kind = FIELD_KINDS.get(k) ?? null;
    if (kind === null) {
      if (SECRET_SUFFIXES.some((s) => k.endsWith(s))) kind = 'secret';
      else if (k.endsWith('phone') || k.endsWith('phonenumber')) kind = 'phone';
      else if (k.endsWith('email')) kind = 'email';
    }
    // Bounded: keys come from code, but a payload with user-chosen keys must not grow this forever.
    if (kindCache.size < 5000) kindCache.set(key, kind);
  }
  return kind ?? undefined;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

function maskPhone(s: string): string {
  const digits = digitsOf(s);
  return digits.length >= 8 ? `${HIDDEN}${digits.slice(-4)}` : HIDDEN;
}

function maskEmail(s: string): string {
  const at = s.lastIndexOf('@');
  if (at <= 0) return `[TEXT len=${s.length}]`;
  return `${s[0]}•••@${s.slice(at + 1)}`;
}

function maskByKind(kind: FieldKind, s: string): string {
  switch (kind) {
    case 'secret':
      return REDACTED;
    case 'phone':
      return maskPhone(s);
    case 'email':
      return maskEmail(s);
    case 'contact':
      // `from`/`to` hold a wa_id, a phone or an e-mail depending on the channel.
      if (s.includes('@')) return maskEmail(s);
      return digitsOf(s).length >= 8 ? maskPhone(s) : `[TEXT len=${s.length}]`;
    case 'name': {
      const first = s.codePointAt(0);
      return first === undefined ? '' : `${String.fromCodePoint(first)}•••`;
    }
    case 'document': {
      const digits = digitsOf(s);
      return `${HIDDEN}${digits.length >= 8 ? digits.slice(-2) : ''}`;
    }
    case 'geo':
      return '[GEO]';
    default:
      return `[TEXT len=${s.length}]`;
  }
}

const SECRET_PARAM =
  /\b([\w.-]{0,40}(?:token|secret|password|passwd|apikey|api_key|api-key)"?\s*[=:]\s*"?)[^\s&"',;#]+/gi;
const SECRET_HINT = /token|secret|passw|api.?key/i;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const AUTH_HINT = /bearer|basic/i;
const JWT = /\beyJ[\w-]{5,}\.[\w-]+\.[\w-]*/g;
const META_ACCESS_TOKEN = /\bEAA[A-Za-z0-9]{30,}/g;
const PREFIXED_TOKEN = /\b[A-Za-z][A-Za-z0-9]{1,9}_([A-Za-z0-9_-]{20,})/g;
const PREFIXED_HINT = /_[A-Za-z0-9_-]{20}/;
const EMAIL =
  /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{0,63}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24})/g;
const CPF = /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g;
const CNPJ = /\b\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}\b/g;
// 8-17 digits with optional +, spaces, dashes and parentheses; not inside words, UUIDs or decimals.
// Bounded so a long run of spaced digits stays linear.
const PHONE_LIKE = /\+?\(?(?<![A-Za-z0-9.-])\d(?:[ \u00a0()-]{0,2}\d){7,16}(?![A-Za-z0-9]|\.\d)/g;
const ISO_DATE = /^\+?\(?\d{4}-\d{2}-\d{2}/;

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_AT = 64;
const CHAR_EQ = 61;
const CHAR_COLON = 58;
const CHAR_DOT = 46;

/** Masks e-mails, phone-like numbers, CPF/CNPJ and credentials inside a free-form string. */
export function maskString(s: string): string {
  if (s.length < 6) return s;
  // One pass over the characters decides which patterns can match: most log strings need none.
  let digits = 0;
  let at = false;
  let assignment = false;
  let dot = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= CHAR_0 && c <= CHAR_9) digits++;
    else if (c === CHAR_AT) at = true;
    else if (c === CHAR_EQ || c === CHAR_COLON) assignment = true;
    else if (c === CHAR_DOT) dot = true;
  }

  let out = s;
  if (assignment && SECRET_HINT.test(out)) out = out.replace(SECRET_PARAM, `$1${REDACTED}`);
  if (out.length >= 20) {
    if (AUTH_HINT.test(out)) out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
    if (out.includes('eyJ')) out = out.replace(JWT, REDACTED);
    if (out.includes('EAA')) out = out.replace(META_ACCESS_TOKEN, REDACTED);
    if (PREFIXED_HINT.test(out)) {
      out = out.replace(PREFIXED_TOKEN, (match, random: string) =>
        /[A-Z]/.test(random) && /[a-z]/.test(random) && /\d/.test(random) ? REDACTED : match,
      );
    }
  }
  if (at) out = out.replace(EMAIL, '$1•••@$2');
  if (digits >= 8) {
    if (dot && digits >= 11) out = out.replace(CPF, '[CPF]').replace(CNPJ, '[CNPJ]');
    out = out.replace(PHONE_LIKE, (match) => (ISO_DATE.test(match) ? match : maskPhone(match)));
  }
  return out;
}

/**
 * Returns a masked deep copy that is safe to log. Arrays don't count as a nesting level, so a Meta
 * webhook payload (entry[].changes[].value.messages[].text.body) stays readable up to its leaves.
 */
export function maskPii(value: unknown, depth = 0): unknown {
  return maskValue(value, depth, [], undefined);
}

function maskValue(value: unknown, depth: number, ancestors: object[], kind: FieldKind | undefined): unknown {
  if (value === null || value === undefined) return value;
  if (kind === 'secret') return REDACTED;
  switch (typeof value) {
    case 'string':
      return kind ? maskByKind(kind, value) : maskString(value);
    case 'number':
    case 'bigint':
      return kind ? maskByKind(kind, String(value)) : value;
    case 'boolean':
      return value;
    case 'object':
      return maskObject(value, depth, ancestors, kind);
    default:
      // functions and symbols: JSON drops them anyway
      return undefined;
  }
}

function maskObject(value: object, depth: number, ancestors: object[], kind: FieldKind | undefined): unknown {
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === null;
  if (!plain && !Array.isArray(value)) {
    const leaf = describeLeaf(value);
    if (leaf !== undefined) return leaf;
  }
  if (depth > MAX_DEPTH) return TRUNCATED;
  if (ancestors.includes(value)) return CIRCULAR;

  ancestors.push(value);
  try {
    if (Array.isArray(value)) return maskArray(value, depth, ancestors, kind);
    if (!plain) {
      if (value instanceof Error) return maskError(value, depth, ancestors);
      if (value instanceof Set) return maskArray(Array.from(value), depth, ancestors, kind);
      if (value instanceof Map) return maskFields(Object.fromEntries(value), depth, ancestors, kind);
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // e.g. URL → href, which may carry tokens in its query string
      return maskValue(toJSON.call(value), depth, ancestors, kind);
    }
    return maskFields(value as Record<string, unknown>, depth, ancestors, kind);
  } catch {
    // a throwing getter or toJSON must not take the log call down
    return '[Unloggable]';
  } finally {
    ancestors.pop();
  }
}

/** Objects logged as a short description instead of being walked. */
function describeLeaf(value: object): unknown {
  if (Buffer.isBuffer(value)) return `[Buffer len=${value.length}]`;
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} len=${value.byteLength}]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer len=${value.byteLength}]`;
  if (value instanceof Date) return value;
  // Sockets, requests and other streams are huge graphs with nothing useful for a log line.
  const streamLike = typeof (value as { pipe?: unknown }).pipe === 'function';
  if (streamLike) return `[${value.constructor?.name ?? 'Stream'}]`;
  return undefined;
}

function maskArray(
  items: unknown[],
  depth: number,
  ancestors: object[],
  kind: FieldKind | undefined,
): unknown[] {
  const limit = Math.min(items.length, MAX_ARRAY_ITEMS);
  const out: unknown[] = [];
  for (let i = 0; i < limit; i++) {
    const item = items[i];
    out.push(maskValue(item, Array.isArray(item) ? depth + 1 : depth, ancestors, kind));
  }
  if (items.length > limit) out.push(`[…${items.length - limit} more]`);
  return out;
}

function maskFields(
  obj: Record<string, unknown>,
  depth: number,
  ancestors: object[],
  inherited: FieldKind | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    out[key] = maskValue(child, depth + 1, ancestors, childKind(key, child, inherited));
  }
  return out;
}

function childKind(key: string, child: unknown, inherited: FieldKind | undefined): FieldKind | undefined {
  const own = fieldKind(key);
  if (own === undefined) return inherited;
  // `text: { body }`, `body: { ... }`: let the children's own keys decide.
  if (
    own === 'text' &&
    typeof child === 'object' &&
    child !== null &&
    PER_CHILD_KINDS.has(key.toLowerCase())
  ) {
    return inherited;
  }
  return own;
}

function maskError(err: Error, depth: number, ancestors: object[]): Record<string, unknown> {
  const ctorName = (err.constructor as { name?: unknown } | undefined)?.name;
  const out: Record<string, unknown> = {
    type: err.name && err.name !== 'Error' ? err.name : typeof ctorName === 'string' ? ctorName : 'Error',
    message: maskString(String(err.message)),
  };
  if (typeof err.stack === 'string') out.stack = maskString(err.stack);
  for (const [key, child] of Object.entries(err)) {
    // `name` is often assigned in subclass constructors; it is the error type, not a person's name.
    if (key in out || key === 'name') continue;
    out[key] = maskValue(child, depth + 1, ancestors, fieldKind(key));
  }
  if (err.cause !== undefined && !('cause' in out))
    out.cause = maskValue(err.cause, depth + 1, ancestors, undefined);
  if (err instanceof AggregateError && !('errors' in out)) {
    out.errors = maskValue(err.errors, depth + 1, ancestors, undefined);
  }
  return out;
}
