import type { Customer, EntityType, Invoice, Payment } from '../canonical';

/** A connection as adapters see it: its id, workspace and opened (plain) configuration. */
export interface ConnectionAccount {
  id: string;
  workspaceId: string;
  kind: string;
  config: Record<string, unknown>;
}

/** What a write left at the accounting system. */
export interface Written {
  /** The system's own id of the record (Omie's `codigo_cliente_omie`...). */
  externalId: string;
  /** The record as the system holds it now, in Ponte's words (customers), else what was sent. */
  remote: Record<string, unknown>;
  /** The system's own version stamp, when it has one (Omie: date and time of the last change). */
  remoteVersion?: string;
}

export interface RemoteCustomer {
  customer: Customer;
  externalId: string;
  remoteVersion?: string;
}

export interface ChangesPage {
  records: Array<Record<string, unknown>>;
  /** Where the next page starts; null after the last one. */
  nextCursor: string | null;
}

export type FailureKind = 'transient' | 'permanent';

/**
 * A call the system refused or could not answer. `transient` ones are retried on the schedule
 * (or after `retryAfterMs` when the system said how long to wait); `permanent` ones are not.
 */
export class AdapterFailure extends Error {
  override readonly name = 'AdapterFailure';

  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * One accounting system. The abstract class is the interface and the injection token (brocoders
 * style); AccountingAdapters picks one by the connection's kind.
 */
export abstract class AccountingAdapter {
  abstract readonly kind: string;

  /** Creates or updates the customer under Ponte's id (never a twin: upsert by integration key). */
  abstract setupCustomer(account: ConnectionAccount, customer: Customer): Promise<Written>;

  /** The customer as the system holds it now, or null when it has none under Ponte's id. */
  abstract getCustomer(account: ConnectionAccount, id: string): Promise<RemoteCustomer | null>;

  /** The receivable of an issued invoice, upserted under Ponte's id. */
  abstract syncInvoice(account: ConnectionAccount, invoice: Invoice): Promise<Written>;

  /** The payment settles its invoice's receivable (once per payment id). */
  abstract syncPayment(account: ConnectionAccount, payment: Payment): Promise<Written>;

  /** One page of the system's records of a type, from `cursor` (null: the first page). */
  abstract fetchChanges(
    account: ConnectionAccount,
    entityType: EntityType,
    cursor: string | null,
    pageSize: number,
  ): Promise<ChangesPage>;

  /** A cheap authenticated call: do the credentials work? */
  abstract check(account: ConnectionAccount): Promise<{ ok: boolean; detail: string }>;
}
