import { Injectable } from '@nestjs/common';
import type { AccountingAdapter } from './accounting-adapter';
import { OmieAdapter } from './omie/omie.adapter';
import { RestAdapter } from './rest/rest.adapter';

export const CONNECTION_KINDS = ['omie', 'rest'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** The adapter of a connection's kind. */
@Injectable()
export class AccountingAdapters {
  private readonly byKind: Record<ConnectionKind, AccountingAdapter>;

  constructor(omie: OmieAdapter, rest: RestAdapter) {
    this.byKind = { omie, rest };
  }

  get(kind: string): AccountingAdapter {
    const adapter = this.byKind[kind as ConnectionKind];
    if (!adapter) throw new Error(`No accounting adapter of kind ${kind}`);
    return adapter;
  }
}
