import { CronExpressionParser } from 'cron-parser';
import { compileExpression, ExpressionError } from '../../platform/expression/expression';
import type { FieldError } from '../../platform/http/problem';
import { ENTITY_TYPES, type EntityType } from '../canonical';

/** An API that pages with a cursor (and optionally `updated_since`). */
export interface EndpointSource {
  kind: 'endpoint';
  url: string;
  headers?: Record<string, string>;
  pageSize?: number;
  /** Query parameter carrying the cursor; default `cursor`. */
  cursorParam?: string;
  /** Query parameter carrying the page size; default `limit`. */
  limitParam?: string;
  /** Query parameter for incremental runs: the newest change the last successful run saw. */
  updatedSinceParam?: string;
  /** JSONata over the response body: the page's records; default `data`. */
  records?: string;
  /** JSONata over the response body: the next cursor (empty or null on the last page); default `nextCursor`. */
  nextCursor?: string;
  /** JSONata over a record: when it changed (for `updatedSinceParam`); default `updatedAt`. */
  updatedAt?: string;
}

/** An accounting connection's `fetchChanges`. */
export interface ConnectionSource {
  kind: 'connection';
  connectionId: string;
  entityType: EntityType;
  pageSize?: number;
}

export type SyncSource = EndpointSource | ConnectionSource;

/** An API upserting one record per request at `url` (`{key}` replaced by the record's key). */
export interface EndpointTarget {
  kind: 'endpoint';
  url: string;
  method?: 'PUT' | 'POST' | 'PATCH';
  headers?: Record<string, string>;
}

/** An accounting connection: setupCustomer, syncInvoice or syncPayment by `entityType`. */
export interface ConnectionTarget {
  kind: 'connection';
  connectionId: string;
  entityType: EntityType;
}

/** Ponte's contacts (upsert by externalId, the record's key by default). */
export interface ContactsTarget {
  kind: 'contacts';
}

export type SyncTarget = EndpointTarget | ConnectionTarget | ContactsTarget;

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isUuid = (v: unknown) =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);

export function checkExpression(errors: FieldError[], field: string, v: unknown): void {
  if (v === undefined) return;
  if (!isText(v)) return void errors.push({ field, message: 'must be a JSONata expression' });
  try {
    compileExpression(v);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    errors.push({ field, message: `invalid JSONata at ${err.position ?? 0}: ${err.message}` });
  }
}

function checkHeaders(errors: FieldError[], field: string, h: unknown): void {
  if (h === undefined) return;
  if (
    typeof h !== 'object' ||
    h === null ||
    Array.isArray(h) ||
    Object.values(h).some((v) => typeof v !== 'string')
  )
    errors.push({ field, message: 'must be an object of strings' });
}

export function checkSource(s: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const src = (s ?? {}) as Record<string, unknown>;
  if (
    src.pageSize !== undefined &&
    !(
      Number.isInteger(src.pageSize) &&
      (src.pageSize as number) >= 1 &&
      (src.pageSize as number) <= MAX_PAGE_SIZE
    )
  )
    errors.push({ field: 'source.pageSize', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
  if (src.kind === 'endpoint') {
    if (!isUrl(src.url)) errors.push({ field: 'source.url', message: 'must be an http(s) URL' });
    checkHeaders(errors, 'source.headers', src.headers);
    for (const p of ['cursorParam', 'limitParam', 'updatedSinceParam'])
      if (src[p] !== undefined && !isText(src[p]))
        errors.push({ field: `source.${p}`, message: 'must be a name' });
    for (const e of ['records', 'nextCursor', 'updatedAt']) checkExpression(errors, `source.${e}`, src[e]);
  } else if (src.kind === 'connection') {
    if (!isUuid(src.connectionId))
      errors.push({ field: 'source.connectionId', message: 'must be a connection id' });
    if (!(ENTITY_TYPES as unknown[]).includes(src.entityType))
      errors.push({ field: 'source.entityType', message: `must be one of ${ENTITY_TYPES.join(', ')}` });
  } else errors.push({ field: 'source.kind', message: 'must be endpoint or connection' });
  return errors;
}

export function checkTarget(t: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const tgt = (t ?? {}) as Record<string, unknown>;
  if (tgt.kind === 'endpoint') {
    if (!isUrl(tgt.url))
      errors.push({ field: 'target.url', message: 'must be an http(s) URL ({key} is the record key)' });
    if (tgt.method !== undefined && !['PUT', 'POST', 'PATCH'].includes(tgt.method as string))
      errors.push({ field: 'target.method', message: 'must be PUT, POST or PATCH' });
    checkHeaders(errors, 'target.headers', tgt.headers);
  } else if (tgt.kind === 'connection') {
    if (!isUuid(tgt.connectionId))
      errors.push({ field: 'target.connectionId', message: 'must be a connection id' });
    if (!(ENTITY_TYPES as unknown[]).includes(tgt.entityType))
      errors.push({ field: 'target.entityType', message: `must be one of ${ENTITY_TYPES.join(', ')}` });
  } else if (tgt.kind !== 'contacts')
    errors.push({ field: 'target.kind', message: 'must be endpoint, connection or contacts' });
  return errors;
}

export function checkSchedule(s: unknown): FieldError[] {
  if (s === undefined || s === null) return [];
  const sch = s as { cron?: unknown; timezone?: unknown };
  if (!isText(sch.cron)) return [{ field: 'schedule.cron', message: 'must be a cron expression' }];
  const tz = sch.timezone ?? 'America/Sao_Paulo';
  if (!isText(tz)) return [{ field: 'schedule.timezone', message: 'must be an IANA time zone' }];
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    return [{ field: 'schedule.timezone', message: `unknown time zone "${tz}"` }];
  }
  try {
    CronExpressionParser.parse(sch.cron, { tz });
  } catch (err) {
    return [{ field: 'schedule.cron', message: `invalid cron: ${(err as Error).message}` }];
  }
  return [];
}

/** The URLs a job calls, for the SSRF check at save time. */
export function jobUrls(source: SyncSource, target: SyncTarget): Array<{ field: string; url: string }> {
  const out: Array<{ field: string; url: string }> = [];
  if (source.kind === 'endpoint') out.push({ field: 'source.url', url: source.url });
  if (target.kind === 'endpoint') out.push({ field: 'target.url', url: target.url.replace(/\{key\}/g, 'k') });
  return out;
}
