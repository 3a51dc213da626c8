import type { MediaRef } from './message-data';

/**
 * Readers that never throw. Provider payloads are untrusted and loosely typed: any field may be
 * missing, null, or of another type (a string where an object is expected), so every read goes
 * through these and a wrong shape reads as "absent".
 */
export type Fields = Record<string, unknown>;

export function asRecord(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Arrays, or objects with index keys (what qs makes of sparse or very long PHP arrays). */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const record = asRecord(value);
  return record ? Object.values(record) : [];
}

/** A non-empty string; finite numbers become strings because providers disagree on ids and codes. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

/**
 * An instant from Unix seconds or milliseconds (number or numeric string) or an ISO 8601 string.
 * Seconds and milliseconds are told apart by size: providers mix them (Z-API `momment` is ms,
 * its disconnect callback seconds). Values outside 2000–2200 are treated as garbage.
 */
export function instantOf(value: unknown): Date | undefined {
  const n = asNumber(value);
  let ms: number;
  if (n !== undefined) ms = Math.abs(n) < 1e11 ? n * 1000 : n;
  else if (typeof value === 'string') ms = Date.parse(value);
  else return undefined;
  return Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME ? new Date(ms) : undefined;
}

/** A wa_id from a provider address: 'whatsapp:' prefix, '+' and '@c.us' removed, nothing else touched. */
export function addressOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let v = raw.trim();
  if (v.toLowerCase().startsWith('whatsapp:')) v = v.slice('whatsapp:'.length);
  v = v.replace(/@(c\.us|s\.whatsapp\.net)$/i, '');
  if (v.startsWith('+')) v = v.slice(1);
  return v.length > 0 ? v : undefined;
}

/**
 * A copy without undefined values, so stored JSON has no holes and optional fields are truly absent.
 * A loop, not fromEntries(entries().filter()): it runs for every field group of every webhook.
 */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

export function mediaRef(ref: MediaRef): MediaRef | null {
  const out = compact(ref);
  return Object.keys(out).length > 0 ? out : null;
}
