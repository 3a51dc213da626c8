import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../../../config/area-config';
import { accountingConfig, type AccountingConfig } from '../../accounting.config';
import { compact, type Customer, type EntityType, type Invoice, type Payment } from '../../canonical';
import {
  AccountingAdapter,
  AdapterFailure,
  type ChangesPage,
  type ConnectionAccount,
  type RemoteCustomer,
  type Written,
} from '../accounting-adapter';
import { OmieClient, type OmieCredentials } from './omie-client';
import { isAlreadyDone, isEmptyPage } from './omie-fault';

const CUSTOMERS = 'geral/clientes';
const RECEIVABLES = 'financas/contareceber';

/** Omie's customer record (`clientes_cadastro`), the fields Ponte maps. */
interface OmieCliente {
  codigo_cliente_omie?: number;
  codigo_cliente_integracao?: string;
  razao_social?: string;
  nome_fantasia?: string;
  cnpj_cpf?: string;
  email?: string;
  telefone1_ddd?: string;
  telefone1_numero?: string;
  info?: { dAlt?: string; hAlt?: string; dInc?: string; hInc?: string };
}

/** `2026-12-03` → `03/12/2026` (Omie's dates). */
export const omieDate = (iso: string): string => iso.slice(0, 10).split('-').reverse().join('/');

/** Ponte's customer as Omie's `clientes_cadastro`; the phone split into DDD and number. */
export function toOmieCustomer(c: Customer): OmieCliente {
  const national = c.phone?.startsWith('55') && c.phone.length >= 12 ? c.phone.slice(2) : c.phone;
  return compact({
    codigo_cliente_integracao: c.id,
    razao_social: c.legalName ?? c.name,
    nome_fantasia: c.name,
    cnpj_cpf: c.document,
    email: c.email,
    telefone1_ddd: national?.slice(0, 2),
    telefone1_numero: national?.slice(2),
  });
}

/** The reverse of toOmieCustomer: a record written by Ponte reads back equal. */
export function fromOmieCustomer(o: OmieCliente): Customer {
  const phone = `${o.telefone1_ddd ?? ''}${o.telefone1_numero ?? ''}`.replace(/\D/g, '');
  const name = o.nome_fantasia || o.razao_social || '';
  return compact({
    id: o.codigo_cliente_integracao ?? String(o.codigo_cliente_omie ?? ''),
    name,
    legalName: o.razao_social && o.razao_social !== name ? o.razao_social : undefined,
    document: o.cnpj_cpf?.replace(/\D/g, '') || undefined,
    email: o.email || undefined,
    phone: phone ? `55${phone}` : undefined,
  });
}

const versionOf = (o: OmieCliente): string | undefined =>
  o.info?.dAlt ? `${o.info.dAlt} ${o.info.hAlt ?? ''}`.trim() : undefined;

/**
 * Omie ERP (business-br.md §4): customers upserted under `codigo_cliente_integracao` (Ponte's id),
 * invoices as receivables under `codigo_lancamento_integracao`, payments as `LancarRecebimento`
 * under `codigo_baixa_integracao`. Config: `{appKey, appSecret, baseUrl?, categoryCode?, accountId?}`.
 */
@Injectable()
export class OmieAdapter extends AccountingAdapter {
  readonly kind = 'omie';

  constructor(
    private readonly client: OmieClient,
    @InjectConfig(accountingConfig) private readonly config: AccountingConfig,
  ) {
    super();
  }

  async setupCustomer(account: ConnectionAccount, customer: Customer): Promise<Written> {
    const res = await this.client.call<{ codigo_cliente_omie?: number }>(
      this.creds(account),
      CUSTOMERS,
      'UpsertCliente',
      { ...toOmieCustomer(customer) },
    );
    return { externalId: String(res.codigo_cliente_omie ?? ''), remote: { ...customer } };
  }

  async getCustomer(account: ConnectionAccount, id: string): Promise<RemoteCustomer | null> {
    try {
      const o = await this.client.call<OmieCliente>(
        this.creds(account),
        CUSTOMERS,
        'ConsultarCliente',
        { codigo_cliente_integracao: id },
        { read: true },
      );
      return {
        customer: fromOmieCustomer(o),
        externalId: String(o.codigo_cliente_omie ?? ''),
        remoteVersion: versionOf(o),
      };
    } catch (err) {
      if (err instanceof AdapterFailure && err.code === 'OMIE_NOT_FOUND') return null;
      throw err;
    }
  }

  async syncInvoice(account: ConnectionAccount, invoice: Invoice): Promise<Written> {
    const cfg = account.config;
    const res = await this.client.call<{ codigo_lancamento_omie?: number }>(
      this.creds(account),
      RECEIVABLES,
      'UpsertContaReceber',
      compact({
        codigo_lancamento_integracao: invoice.id,
        codigo_cliente_fornecedor_integracao: invoice.customerId,
        data_vencimento: omieDate(invoice.dueDate),
        valor_documento: invoice.amount / 100,
        codigo_categoria: (cfg.categoryCode as string | undefined) ?? '1.01.02',
        id_conta_corrente: cfg.accountId as number | undefined,
        numero_documento: invoice.number,
        observacao: invoice.description,
      }),
    );
    return { externalId: String(res.codigo_lancamento_omie ?? ''), remote: { ...invoice } };
  }

  async syncPayment(account: ConnectionAccount, payment: Payment): Promise<Written> {
    try {
      const res = await this.client.call<{ codigo_baixa?: number; liquidado?: string }>(
        this.creds(account),
        RECEIVABLES,
        'LancarRecebimento',
        compact({
          codigo_lancamento_integracao: payment.invoiceId,
          codigo_baixa_integracao: payment.id,
          codigo_conta_corrente: account.config.accountId as number | undefined,
          valor: payment.amount / 100,
          data: omieDate(payment.paidAt),
          observacao: `Ponte ${payment.id}`,
        }),
      );
      return {
        externalId: String(res.codigo_baixa ?? ''),
        remote: { ...payment, settled: res.liquidado === 'S' },
      };
    } catch (err) {
      // The first call succeeded and its answer was lost: Omie refuses the same baixa again.
      if (err instanceof AdapterFailure && isAlreadyDone(err))
        return { externalId: `integracao:${payment.id}`, remote: { ...payment } };
      throw err;
    }
  }

  async fetchChanges(
    account: ConnectionAccount,
    entityType: EntityType,
    cursor: string | null,
    pageSize: number,
  ): Promise<ChangesPage> {
    if (entityType !== 'customer')
      throw new AdapterFailure('permanent', 'OMIE_UNSUPPORTED', `Omie changes of ${entityType} are not read`);
    const page = Number(cursor ?? '1');
    try {
      const res = await this.client.call<{
        pagina: number;
        total_de_paginas: number;
        clientes_cadastro?: OmieCliente[];
      }>(
        this.creds(account),
        CUSTOMERS,
        'ListarClientes',
        { pagina: page, registros_por_pagina: Math.min(pageSize, 500), apenas_importado_api: 'N' },
        { read: true },
      );
      return {
        records: (res.clientes_cadastro ?? []).map((o) => ({
          ...fromOmieCustomer(o),
          omieId: o.codigo_cliente_omie,
        })),
        nextCursor: res.pagina < res.total_de_paginas ? String(res.pagina + 1) : null,
      };
    } catch (err) {
      if (err instanceof AdapterFailure && isEmptyPage(err)) return { records: [], nextCursor: null };
      throw err;
    }
  }

  async check(account: ConnectionAccount): Promise<{ ok: boolean; detail: string }> {
    // Not cached: a check must reach Omie; a redundant-call fault still proves the key works.
    this.client.forget(String(account.config.appKey));
    try {
      const res = await this.client.call<{ total_de_registros?: number }>(
        this.creds(account),
        CUSTOMERS,
        'ListarClientesResumido',
        { pagina: 1, registros_por_pagina: 1, apenas_importado_api: 'N' },
        { read: true },
      );
      return { ok: true, detail: `Omie answered: ${res.total_de_registros ?? 0} customers` };
    } catch (err) {
      if (err instanceof AdapterFailure && (err.code === 'OMIE_REDUNDANT' || isEmptyPage(err)))
        return { ok: true, detail: 'Omie accepted the key' };
      return { ok: false, detail: (err as Error).message.slice(0, 500) };
    }
  }

  private creds(account: ConnectionAccount): OmieCredentials {
    const c = account.config;
    return {
      baseUrl: (c.baseUrl as string | undefined) ?? this.config.omieBaseUrl,
      appKey: String(c.appKey),
      appSecret: String(c.appSecret),
    };
  }
}
