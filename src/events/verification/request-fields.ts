import type { RejectionReason, Verification } from './inbound-request';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export function accepted(): Verification {
  return { ok: true };
}

export function rejected(reason: RejectionReason): Verification {
  return { ok: false, reason };
}

/**
 * One value of a header or query parameter: `undefined` when absent or empty, `null` when it is
 * repeated or not a string. A repeated credential is ambiguous (which copy was signed?), so callers
 * treat `null` as invalid rather than picking one.
 */
export function singleValue(
  fields: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | null | undefined {
  if (fields === null || typeof fields !== 'object' || !Object.hasOwn(fields, name)) return undefined;
  const value: unknown = fields[name];
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value : null;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** application/json and the structured `+json` types (RFC 6839) carry the same bytes. */
export function isJsonMediaType(contentType: string): boolean {
  return contentType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(contentType);
}
