import { createHash } from 'node:crypto';

/**
 * What Ponte syncs, in its own words; each adapter maps these to and from its system's shape.
 * Amounts are integer cents, dates `YYYY-MM-DD`.
 */
export interface Customer {
  /** Ponte's id of the client: the adapter's integration key (Omie's `codigo_cliente_integracao`). */
  id: string;
  name: string;
  legalName?: string;
  /** CPF or CNPJ, digits only. */
  document?: string;
  email?: string;
  phone?: string;
}

export interface Invoice {
  id: string;
  customerId: string;
  amount: number;
  dueDate: string;
  number?: string;
  description?: string;
}

export interface Payment {
  id: string;
  /** The invoice (receivable) it settles. */
  invoiceId: string;
  amount: number;
  paidAt: string;
}

/** A JSON object as stored in a jsonb column (TypeORM's partial types reject `unknown` values). */
export type JsonObject = Record<string, any>;

export type EntityType = 'customer' | 'invoice' | 'payment';
export const ENTITY_TYPES: EntityType[] = ['customer', 'invoice', 'payment'];
export type Entity = Customer | Invoice | Payment;

/** The fields compared when both sides changed (a conflict's diff). */
export const CUSTOMER_FIELDS = ['name', 'legalName', 'document', 'email', 'phone'] as const;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const digits = (v: unknown): string | undefined => text(v)?.replace(/\D/g, '') || undefined;
/** Brazilian numbers without the country code get it (what Omie's DDD + number reads back as). */
const brPhone = (v: unknown): string | undefined => {
  const d = digits(v);
  return d && (d.length === 10 || d.length === 11) ? `55${d}` : d;
};
const cents = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : undefined;
};
const day = (v: unknown): string | undefined => {
  const t = text(v);
  if (!t) return undefined;
  const d = new Date(t);
  return Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 10) : undefined;
};

/** Drops empty fields, so that hashes and diffs do not tell `undefined` from absent. */
export function compact<T extends object>(entity: T): T {
  return Object.fromEntries(
    Object.entries(entity).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T;
}

/**
 * The default reading of the trigger events (`client.registered`, `invoice.issued`,
 * `payment.received`): the usual field names of the seed systems. A connection's own JSONata
 * `mappings` replace it. Answers the entity, or the names of the fields missing.
 */
export function entityFromEvent(type: EntityType, d: Record<string, unknown>): Entity | string[] {
  const missing = (e: Record<string, unknown>, required: string[]) =>
    required.filter((f) => e[f] === undefined);
  if (type === 'customer') {
    const c = compact({
      id: text(d.clientId ?? d.customerId ?? d.id),
      name: text(d.name ?? d.fullName),
      legalName: text(d.legalName ?? d.companyName),
      document: digits(d.document ?? d.cpf ?? d.cnpj ?? d.taxId),
      email: text(d.email)?.toLowerCase(),
      phone: brPhone(d.phone),
    });
    const m = missing(c, ['id', 'name']);
    return m.length ? m : (c as Customer);
  }
  if (type === 'invoice') {
    const i = compact({
      id: text(d.invoiceId ?? d.id),
      customerId: text(d.clientId ?? d.customerId),
      amount: cents(d.amount ?? d.amountCents),
      dueDate: day(d.dueDate ?? d.dueAt),
      number: text(d.number),
      description: text(d.description),
    });
    const m = missing(i, ['id', 'customerId', 'amount', 'dueDate']);
    return m.length ? m : (i as Invoice);
  }
  const p = compact({
    id: text(d.paymentId ?? d.id),
    invoiceId: text(d.invoiceId),
    amount: cents(d.amount ?? d.amountCents),
    paidAt: day(d.paidAt ?? d.occurredAt),
  });
  const m = missing(p, ['id', 'invoiceId', 'amount', 'paidAt']);
  return m.length ? m : (p as Payment);
}

/** Checks an entity a JSONata mapping produced; answers the problems. */
export function checkEntity(type: EntityType, value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['the mapping must yield an object'];
  const v = value as Record<string, unknown>;
  const str = (f: string) => (typeof v[f] === 'string' && v[f] !== '' ? [] : [`${f} must be a string`]);
  const int = (f: string) => (Number.isInteger(v[f]) ? [] : [`${f} must be an integer (cents)`]);
  if (type === 'customer') return [...str('id'), ...str('name')];
  if (type === 'invoice') return [...str('id'), ...str('customerId'), ...int('amount'), ...str('dueDate')];
  return [...str('id'), ...str('invoiceId'), ...int('amount'), ...str('paidAt')];
}

/** A string, number or boolean as text; anything else (objects, null) as null. */
export function scalar(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

/** JSON with sorted keys: the same content always serialises the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export interface FieldDiff {
  field: string;
  /** The value both sides had at the last sync. */
  base: any;
  local: any;
  remote: any;
}

/** The fields where the two versions differ, with what both had at the last sync. */
export function fieldDiff(
  base: Record<string, unknown> | null,
  local: Record<string, unknown>,
  remote: Record<string, unknown>,
  fields: readonly string[] = [...new Set([...Object.keys(local), ...Object.keys(remote)])],
): FieldDiff[] {
  return fields
    .filter((f) => canonicalJson(local[f]) !== canonicalJson(remote[f]))
    .map((f) => ({ field: f, base: base?.[f] ?? null, local: local[f] ?? null, remote: remote[f] ?? null }));
}
