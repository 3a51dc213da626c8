/**
 * What a `payment.received` event must carry for collections to apply it (any source: the events
 * API, a standard webhook, an ERP): a debt reference and, optionally, the amount paid.
 *
 * - reference: `debtId` (a debt's id) or `debtExternalId` / `externalId` (the creditor's id, as
 *   imported); also inside `data.debt` (`{id}` or `{externalId}`).
 * - amount: `amountCents` (integer), else `amount` in reais (a number, `"1234.56"` or the pt-BR
 *   `"R$ 1.234,56"`). No amount: the debt's whole balance was paid.
 */
export interface PaymentReference {
  debtId?: string;
  externalId?: string;
  /** Undefined: the whole balance. */
  amountCents?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The reference the event carries; null when it names no debt or its amount cannot be read. */
export function paymentReference(data: Record<string, unknown>): PaymentReference | null {
  const nested = (data.debt && typeof data.debt === 'object' ? data.debt : {}) as Record<string, unknown>;
  const debtId = text(data.debtId) ?? text(nested.id);
  const externalId = text(data.debtExternalId) ?? text(data.externalId) ?? text(nested.externalId);
  if (!(debtId && UUID.test(debtId)) && !externalId) return null;
  const amount = amountCents(data);
  if (amount === null) return null;
  return {
    ...(debtId && UUID.test(debtId) ? { debtId } : { externalId }),
    ...(amount === undefined ? {} : { amountCents: amount }),
  };
}

/** Cents paid; undefined when the event names no amount, null when it names one that is not money. */
function amountCents(data: Record<string, unknown>): number | undefined | null {
  if (data.amountCents !== undefined) {
    const c = data.amountCents;
    return typeof c === 'number' && Number.isSafeInteger(c) && c > 0 ? c : null;
  }
  const a = data.amount;
  if (a === undefined || a === null) return undefined;
  if (typeof a === 'number') return Number.isFinite(a) && a > 0 ? Math.round(a * 100) : null;
  if (typeof a !== 'string') return null;
  const s = a.replace(/^\s*R\$\s*/i, '').trim();
  let reais: number | undefined;
  if (/^\d+(\.\d{1,2})?$/.test(s)) reais = Number(s);
  else if (/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(s))
    reais = Number(s.replace(/\./g, '').replace(',', '.'));
  return reais !== undefined && reais > 0 ? Math.round(reais * 100) : null;
}
