import { Injectable } from '@nestjs/common';
import {
  compileExpression,
  evaluate,
  ExpressionError,
  toJson,
} from '../../../platform/expression/expression';
import { OutboundError, OutboundHttp } from '../../../platform/outbound/outbound-http';
import {
  checkEntity,
  compact,
  type Customer,
  type EntityType,
  type Invoice,
  type Payment,
  scalar,
} from '../../canonical';
import {
  AccountingAdapter,
  AdapterFailure,
  type ChangesPage,
  type ConnectionAccount,
  type RemoteCustomer,
  type Written,
} from '../accounting-adapter';

export const REST_OPERATIONS = [
  'setupCustomer',
  'getCustomer',
  'syncInvoice',
  'syncPayment',
  'fetchChanges',
] as const;
export type RestOperation = (typeof REST_OPERATIONS)[number];

/** One operation: a JSONata expression building the request, another reading the response. */
export interface RestOperationSpec {
  /** Over `{input, id, cursor, pageSize, entityType}` → `{method, path, query?, body?}`. */
  request: string;
  /** Over `{status, body, input}` → the operation's answer (see DEFAULT_RESPONSES). */
  response?: string;
}

export const DEFAULT_RESPONSES: Record<RestOperation, string> = {
  setupCustomer: '{"externalId": $string(body.id)}',
  getCustomer: '{"customer": body, "externalId": $string(body.id), "version": body.updatedAt}',
  syncInvoice: '{"externalId": $string(body.id)}',
  syncPayment: '{"externalId": $string(body.id)}',
  fetchChanges: '{"records": body.data, "nextCursor": body.nextCursor}',
};

interface BuiltRequest {
  method?: string;
  path?: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Any accounting system with a JSON API: the workspace describes each operation as JSONata
 * mappings over its own API (`config.operations`), with `baseUrl` and `headers` (sealed with the
 * rest of the config). Calls go through the one outbound client (timeouts, SSRF guard).
 */
@Injectable()
export class RestAdapter extends AccountingAdapter {
  readonly kind = 'rest';

  constructor(private readonly http: OutboundHttp) {
    super();
  }

  async setupCustomer(account: ConnectionAccount, customer: Customer): Promise<Written> {
    return this.write(account, 'setupCustomer', customer);
  }

  async getCustomer(account: ConnectionAccount, id: string): Promise<RemoteCustomer | null> {
    const out = (await this.run(account, 'getCustomer', { id }, { notFoundIsNull: true })) as {
      customer?: unknown;
      externalId?: unknown;
      version?: unknown;
    } | null;
    if (!out || !out.customer) return null;
    const problems = checkEntity('customer', out.customer);
    if (problems.length)
      throw new AdapterFailure('permanent', 'REST_MAPPING', `getCustomer response: ${problems.join('; ')}`);
    return {
      customer: compact(out.customer as Customer),
      externalId: scalar(out.externalId) ?? '',
      remoteVersion: scalar(out.version) ?? undefined,
    };
  }

  syncInvoice(account: ConnectionAccount, invoice: Invoice): Promise<Written> {
    return this.write(account, 'syncInvoice', invoice);
  }

  syncPayment(account: ConnectionAccount, payment: Payment): Promise<Written> {
    return this.write(account, 'syncPayment', payment);
  }

  async fetchChanges(
    account: ConnectionAccount,
    entityType: EntityType,
    cursor: string | null,
    pageSize: number,
  ): Promise<ChangesPage> {
    const out = (await this.run(account, 'fetchChanges', { entityType, cursor, pageSize })) as {
      records?: unknown;
      nextCursor?: unknown;
    };
    const records = out?.records ?? [];
    if (!Array.isArray(records))
      throw new AdapterFailure('permanent', 'REST_MAPPING', 'fetchChanges response: records must be a list');
    const next = out.nextCursor;
    return {
      records: records as Array<Record<string, unknown>>,
      nextCursor: scalar(next) || null,
    };
  }

  async check(account: ConnectionAccount): Promise<{ ok: boolean; detail: string }> {
    const ops = this.operations(account);
    try {
      if (ops.fetchChanges) {
        await this.fetchChanges(account, 'customer', null, 1);
        return { ok: true, detail: 'fetchChanges answered' };
      }
      const res = await this.http.request({
        url: String(account.config.baseUrl),
        headers: this.headers(account),
      });
      return { ok: res.status < 400, detail: `baseUrl answered HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message.slice(0, 500) };
    }
  }

  private async write(account: ConnectionAccount, op: RestOperation, input: object): Promise<Written> {
    const out = (await this.run(account, op, { input, id: (input as { id: string }).id })) as {
      externalId?: unknown;
      remote?: unknown;
    } | null;
    return {
      externalId: scalar(out?.externalId) ?? '',
      remote: (out?.remote && typeof out.remote === 'object' ? out.remote : { ...input }) as Record<
        string,
        unknown
      >,
    };
  }

  private operations(account: ConnectionAccount): Partial<Record<RestOperation, RestOperationSpec>> {
    return account.config.operations ?? {};
  }

  private headers(account: ConnectionAccount): Record<string, string> {
    return { ...((account.config.headers ?? {}) as Record<string, string>) };
  }

  private async run(
    account: ConnectionAccount,
    op: RestOperation,
    context: Record<string, unknown>,
    options: { notFoundIsNull?: boolean } = {},
  ): Promise<unknown> {
    const spec = this.operations(account)[op];
    if (!spec)
      throw new AdapterFailure('permanent', 'REST_OPERATION_MISSING', `The connection does not map ${op}`);
    const req = (await this.map(spec.request, context, `${op}.request`)) as BuiltRequest;
    const method = String(req?.method ?? 'GET').toUpperCase();
    if (!(METHODS as readonly string[]).includes(method) || typeof req?.path !== 'string')
      throw new AdapterFailure(
        'permanent',
        'REST_MAPPING',
        `${op}.request must yield {method, path, query?, body?}`,
      );
    const url = new URL(String(account.config.baseUrl).replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      const text = scalar(v);
      if (text !== null) url.searchParams.set(k, text);
    }
    let res;
    try {
      res = await this.http.json<unknown>({
        url: url.toString(),
        method: method as (typeof METHODS)[number],
        headers: this.headers(account),
        json: req.body,
      });
    } catch (err) {
      const kind = err instanceof OutboundError && err.kind === 'unsafe-url' ? 'permanent' : 'transient';
      throw new AdapterFailure(kind, 'REST_NETWORK', `${op}: ${(err as Error).message}`);
    }
    if (res.status === 404 && options.notFoundIsNull) return null;
    if (res.status >= 300) {
      const transient = res.status === 408 || res.status === 429 || res.status >= 500;
      const retryAfter = Number(res.headers['retry-after']);
      throw new AdapterFailure(
        transient ? 'transient' : 'permanent',
        `REST_HTTP_${res.status}`,
        `${op}: HTTP ${res.status} ${res.body.slice(0, 300)}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return this.map(
      spec.response ?? DEFAULT_RESPONSES[op],
      { status: res.status, body: res.data ?? null, input: context.input },
      `${op}.response`,
    );
  }

  private async map(source: string, input: unknown, where: string): Promise<unknown> {
    try {
      return toJson(await evaluate(compileExpression(source), input));
    } catch (err) {
      if (err instanceof ExpressionError)
        throw new AdapterFailure('permanent', 'REST_MAPPING', `${where}: ${err.message}`);
      throw err;
    }
  }
}
