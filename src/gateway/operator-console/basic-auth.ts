import { isUtf8 } from 'node:buffer';

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Longest credentials we hand to `verify`: an operator password is hashed there, and hashing a
 * megabyte-long password on every request would be a cheap way to burn CPU.
 */
const MAX_CREDENTIALS_BYTES = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// RFC 7617: no control characters in either part.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * RFC 7617 `Authorization: Basic <base64(user:pass)>`, strictly: anything malformed (other scheme,
 * bad base64 — Node's decoder would silently skip bad characters —, not UTF-8, no colon, too
 * long) is `undefined`, never an exception, so the caller answers 401 and nothing reaches a 5xx.
 */
export function parseBasicAuth(header: string | string[] | undefined): BasicCredentials | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^basic[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) return undefined;
  const encoded = match[1];
  if (encoded.length % 4 !== 0 || encoded.length > (MAX_CREDENTIALS_BYTES * 4) / 3 + 4) return undefined;
  if (!BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length > MAX_CREDENTIALS_BYTES || !isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  // The user-id cannot contain a colon; the password can, so split at the first one.
  const colon = text.indexOf(':');
  if (colon < 0 || CONTROL.test(text)) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The challenge header value; the realm is a quoted-string, so quotes and backslashes are escaped. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;
}
