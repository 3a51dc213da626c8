// Fake of Omie's JSON API (business-br.md §4): POST <base>/api/v1/<module>/<service>/ with
// {call, app_key, app_secret, param:[{…}]}. Checks what Omie checks — the trailing slash (301
// without it), the key and secret (Client-101), `param` as a one-object array, required fields,
// CPF/CNPJ check digits (Client-206), unknown ids (Client-105), duplicates (Client-102) — answers
// faults as Omie does ({faultstring, faultcode}, HTTP 500), upserts customers by
// `codigo_cliente_integracao`, refuses a query repeated within 60 s ("consumo redundante",
// Client-6), a second write of one method while the first runs (Client-1880), and more than 240
// calls a minute per key and method (429). Time is the fake's own clock (`now`).
import { FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface FakeOmieOptions {
  appKey: string;
  appSecret: string;
  /** The fake's clock for the redundancy window and the per-minute limit (ms). */
  now?: () => number;
  /** Writes take this long (so that concurrent writes of one method overlap). */
  writeDelayMs?: number;
}

export interface OmieCustomer {
  codigo_cliente_omie: number;
  codigo_cliente_integracao: string;
  razao_social: string;
  nome_fantasia?: string;
  cnpj_cpf?: string;
  email?: string;
  telefone1_ddd?: string;
  telefone1_numero?: string;
  info: { dInc: string; hInc: string; dAlt: string; hAlt: string };
}

export interface OmieReceivable {
  codigo_lancamento_omie: number;
  codigo_lancamento_integracao: string;
  codigo_cliente_fornecedor: number;
  data_vencimento: string;
  valor_documento: number;
  codigo_categoria: string;
  status_titulo: 'A VENCER' | 'RECEBIDO';
  baixas: Array<{ codigo_baixa: number; codigo_baixa_integracao?: string; valor: number; data: string }>;
}

type Param = Record<string, any>;
type Handler = (p: Param) => FakeResponse;

const MUTATING = /^(Incluir|Alterar|Upsert|Excluir|Lancar|Cancelar|Associar)/;
const READING = /^(Consultar|Listar)/;
const REDUNDANT_MS = 60_000;
const PER_MINUTE = 240;

export const fault = (faultstring: string, faultcode: string, status = 500): FakeResponse =>
  reply.json({ faultstring, faultcode }, status);

/** CPF (11 digits) or CNPJ (14 digits) with valid check digits. */
export function validDocument(doc: string): boolean {
  const d = doc.replace(/\D/g, '');
  if (d.length === 11) {
    if (/^(\d)\1+$/.test(d)) return false;
    const dv = (n: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Number(d[i]) * (n + 1 - i);
      const r = (sum * 10) % 11;
      return r === 10 ? 0 : r;
    };
    return dv(9) === Number(d[9]) && dv(10) === Number(d[10]);
  }
  if (d.length === 14) {
    if (/^(\d)\1+$/.test(d)) return false;
    const dv = (n: number) => {
      const weights =
        n === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
      const sum = weights.reduce((s, w, i) => s + w * Number(d[i]), 0);
      const r = sum % 11;
      return r < 2 ? 0 : 11 - r;
    };
    return dv(12) === Number(d[12]) && dv(13) === Number(d[13]);
  }
  return false;
}

const DATE = /^\d{2}\/\d{2}\/\d{4}$/;

export class FakeOmie extends FakeServer {
  readonly customers = new Map<string, OmieCustomer>();
  readonly receivables = new Map<string, OmieReceivable>();
  private nextId = 1000;
  private readonly queries = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly minute = new Map<string, { start: number; n: number }>();
  now: () => number;
  /** Writes take this long (so that concurrent writes of one method would overlap). */
  writeDelayMs: number;

  constructor(private readonly options: FakeOmieOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.writeDelayMs = options.writeDelayMs ?? 0;
    const customers: Record<string, Handler> = {
      UpsertCliente: (p) => this.upsertCustomer(p, 'upsert'),
      IncluirCliente: (p) => this.upsertCustomer(p, 'insert'),
      AlterarCliente: (p) => this.upsertCustomer(p, 'update'),
      ConsultarCliente: (p) => {
        const c = this.findCustomer(p);
        return c
          ? reply.json(c)
          : fault('ERROR: Cliente não cadastrado para o Código [0] !', 'SOAP-ENV:Client-105');
      },
      ListarClientes: (p) => this.list(p, 'clientes_cadastro'),
      ListarClientesResumido: (p) => this.list(p, 'clientes_cadastro_resumido'),
    };
    const receivables: Record<string, Handler> = {
      UpsertContaReceber: (p) => this.upsertReceivable(p),
      ConsultarContaReceber: (p) => {
        const r = this.receivables.get(p.codigo_lancamento_integracao);
        return r
          ? reply.json(r)
          : fault('ERROR: Lançamento não cadastrado para o Código!', 'SOAP-ENV:Client-105');
      },
      LancarRecebimento: (p) => this.settle(p),
    };
    this.route('POST', '/api/v1/geral/clientes', (req) => this.dispatchCall(req, customers));
    this.route('POST', '/api/v1/financas/contareceber', (req) => this.dispatchCall(req, receivables));
  }

  /** What the tests look at: the calls of a method that reached the fake. */
  calls(call: string): Param[] {
    return this.requests()
      .filter((r) => r.body?.call === call)
      .map((r) => r.body.param?.[0] as Param);
  }

  /** A change made in Omie's own screens. */
  editCustomer(integracao: string, changes: Partial<OmieCustomer>): void {
    const c = this.customers.get(integracao);
    if (!c) throw new Error(`no customer ${integracao}`);
    Object.assign(c, changes, { info: { ...c.info, ...this.stamp('Alt') } });
  }

  /** The next `n` calls answer this fault (HTTP 500, as Omie does). */
  faultNext(n: number, faultstring: string, faultcode: string, status = 500): void {
    this.failNext(n, { status, body: { faultstring, faultcode } });
  }

  override reset(): void {
    super.reset();
    this.customers.clear();
    this.receivables.clear();
    this.queries.clear();
    this.minute.clear();
  }

  private async dispatchCall(req: RecordedRequest, methods: Record<string, Handler>): Promise<FakeResponse> {
    if (!req.path.endsWith('/')) return { status: 301, headers: { location: `${req.path}/` }, body: '' };
    const b = req.body;
    if (!b || typeof b !== 'object')
      return fault('ERROR: Requisição inválida (JSON esperado)', 'SOAP-ENV:Client-1');
    if (typeof b.call !== 'string' || !b.call)
      return fault('ERROR: Tag [call] não informada', 'SOAP-ENV:Client-2');
    if (b.app_key !== this.options.appKey || b.app_secret !== this.options.appSecret)
      return fault('ERROR: A chave de acesso não está preenchida ou não é válida!', 'SOAP-ENV:Client-101');
    const handler = methods[b.call];
    if (!handler) return fault(`ERROR: Método [${b.call}] não existe`, 'SOAP-ENV:Client-3');
    if (
      !Array.isArray(b.param) ||
      b.param.length !== 1 ||
      typeof b.param[0] !== 'object' ||
      b.param[0] === null
    )
      return fault('ERROR: Tag [param] deve ser uma lista com um objeto', 'SOAP-ENV:Client-4');
    const lane = `${b.app_key}|${b.call}`;
    const window = this.minute.get(lane);
    const now = this.now();
    if (!window || now - window.start >= 60_000) this.minute.set(lane, { start: now, n: 1 });
    else if (++window.n > PER_MINUTE) return reply.text('Too many Requests', 429);
    const param = b.param[0] as Param;
    if (READING.test(b.call)) {
      const key = `${lane}|${JSON.stringify(param)}`;
      const last = this.queries.get(key);
      if (last !== undefined && now - last < REDUNDANT_MS) {
        const wait = Math.ceil((REDUNDANT_MS - (now - last)) / 1000);
        return fault(
          `ERROR: Consumo redundante detectado. Aguarde ${wait} segundos para executar novamente.`,
          'SOAP-ENV:Client-6',
        );
      }
      const answer = handler(param);
      if (answer.status === 200) this.queries.set(key, now);
      return answer;
    }
    if (MUTATING.test(b.call)) {
      if (this.running.has(lane))
        return fault(
          'ERROR: Já existe uma requisição desse método em execução. Aguarde.',
          'SOAP-ENV:Client-1880',
        );
      this.running.add(lane);
      try {
        if (this.writeDelayMs) await new Promise((r) => setTimeout(r, this.writeDelayMs));
        return handler(param);
      } finally {
        this.running.delete(lane);
      }
    }
    return handler(param);
  }

  private stamp(kind: 'Inc' | 'Alt'): Record<string, string> {
    const d = new Date(this.now());
    const pad = (n: number) => String(n).padStart(2, '0');
    return {
      [`d${kind}`]: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
      [`h${kind}`]: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    };
  }

  private findCustomer(p: Param): OmieCustomer | undefined {
    if (typeof p.codigo_cliente_integracao === 'string' && p.codigo_cliente_integracao)
      return this.customers.get(p.codigo_cliente_integracao);
    return [...this.customers.values()].find((c) => c.codigo_cliente_omie === p.codigo_cliente_omie);
  }

  private upsertCustomer(p: Param, mode: 'upsert' | 'insert' | 'update'): FakeResponse {
    const id = p.codigo_cliente_integracao;
    if (typeof id !== 'string' || !id || id.length > 60)
      return fault('ERROR: Tag [codigo_cliente_integracao] não informada ou inválida', 'SOAP-ENV:Client-8');
    if (p.cnpj_cpf !== undefined && !validDocument(String(p.cnpj_cpf)))
      return fault('ERROR: O CNPJ ou CPF informado está inválido.', 'SOAP-ENV:Client-206');
    const existing = this.customers.get(id);
    if (existing && mode === 'insert')
      return fault(
        `ERROR: Cliente já cadastrado para o Código de Integração [${id}] !`,
        'SOAP-ENV:Client-102',
      );
    if (!existing && mode === 'update')
      return fault('ERROR: Cliente não cadastrado para o Código [0] !', 'SOAP-ENV:Client-105');
    if (!existing && (typeof p.razao_social !== 'string' || !p.razao_social))
      return fault('ERROR: Tag [razao_social] não informada', 'SOAP-ENV:Client-9');
    const fields = [
      'razao_social',
      'nome_fantasia',
      'cnpj_cpf',
      'email',
      'telefone1_ddd',
      'telefone1_numero',
    ];
    const given = Object.fromEntries(fields.filter((f) => p[f] !== undefined).map((f) => [f, String(p[f])]));
    if (existing) {
      Object.assign(existing, given, { info: { ...existing.info, ...this.stamp('Alt') } });
      return reply.json({
        codigo_cliente_omie: existing.codigo_cliente_omie,
        codigo_cliente_integracao: id,
        codigo_status: '0',
        descricao_status: 'Cliente alterado com sucesso!',
      });
    }
    const created: OmieCustomer = {
      codigo_cliente_omie: this.nextId++,
      codigo_cliente_integracao: id,
      razao_social: String(p.razao_social),
      ...given,
      info: { ...this.stamp('Inc'), ...this.stamp('Alt') } as OmieCustomer['info'],
    };
    this.customers.set(id, created);
    return reply.json({
      codigo_cliente_omie: created.codigo_cliente_omie,
      codigo_cliente_integracao: id,
      codigo_status: '0',
      descricao_status: 'Cliente cadastrado com sucesso!',
    });
  }

  private list(p: Param, key: string): FakeResponse {
    const page = Number(p.pagina ?? 1);
    const size = Number(p.registros_por_pagina ?? 50);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 500)
      return fault(
        'ERROR: pagina e registros_por_pagina (até 500) devem ser inteiros positivos',
        'SOAP-ENV:Client-10',
      );
    const all = [...this.customers.values()].sort((a, b) => a.codigo_cliente_omie - b.codigo_cliente_omie);
    const slice = all.slice((page - 1) * size, page * size);
    if (slice.length === 0)
      return fault(`ERROR: Não existem registros para a página [${page}]!`, 'SOAP-ENV:Client-5113');
    return reply.json({
      pagina: page,
      total_de_paginas: Math.ceil(all.length / size),
      registros: slice.length,
      total_de_registros: all.length,
      [key]: slice,
    });
  }

  private upsertReceivable(p: Param): FakeResponse {
    const id = p.codigo_lancamento_integracao;
    if (typeof id !== 'string' || !id)
      return fault('ERROR: Tag [codigo_lancamento_integracao] não informada', 'SOAP-ENV:Client-8');
    const customer = this.findCustomer({
      codigo_cliente_integracao: p.codigo_cliente_fornecedor_integracao,
      codigo_cliente_omie: p.codigo_cliente_fornecedor,
    });
    if (!customer) return fault('ERROR: Cliente não cadastrado para o Código [0] !', 'SOAP-ENV:Client-105');
    if (typeof p.data_vencimento !== 'string' || !DATE.test(p.data_vencimento))
      return fault('ERROR: Tag [data_vencimento] inválida (dd/mm/aaaa)', 'SOAP-ENV:Client-11');
    if (!(typeof p.valor_documento === 'number' && p.valor_documento > 0))
      return fault('ERROR: Tag [valor_documento] deve ser maior que zero', 'SOAP-ENV:Client-12');
    if (typeof p.codigo_categoria !== 'string' || !p.codigo_categoria)
      return fault('ERROR: Tag [codigo_categoria] não informada', 'SOAP-ENV:Client-13');
    const existing = this.receivables.get(id);
    const r: OmieReceivable = {
      codigo_lancamento_omie: existing?.codigo_lancamento_omie ?? this.nextId++,
      codigo_lancamento_integracao: id,
      codigo_cliente_fornecedor: customer.codigo_cliente_omie,
      data_vencimento: p.data_vencimento,
      valor_documento: p.valor_documento,
      codigo_categoria: p.codigo_categoria,
      status_titulo: existing?.status_titulo ?? 'A VENCER',
      baixas: existing?.baixas ?? [],
    };
    this.receivables.set(id, r);
    return reply.json({
      codigo_lancamento_omie: r.codigo_lancamento_omie,
      codigo_lancamento_integracao: id,
      codigo_status: '0',
      descricao_status: existing ? 'Lançamento alterado com sucesso!' : 'Lançamento cadastrado com sucesso!',
    });
  }

  private settle(p: Param): FakeResponse {
    const r =
      this.receivables.get(p.codigo_lancamento_integracao) ??
      [...this.receivables.values()].find((x) => x.codigo_lancamento_omie === p.codigo_lancamento);
    if (!r) return fault('ERROR: Lançamento não cadastrado para o Código!', 'SOAP-ENV:Client-105');
    if (
      p.codigo_baixa_integracao &&
      r.baixas.some((b) => b.codigo_baixa_integracao === p.codigo_baixa_integracao)
    )
      return fault(
        `ERROR: Já existe um recebimento com o Código de Integração [${p.codigo_baixa_integracao}]!`,
        'SOAP-ENV:Client-102',
      );
    if (!(typeof p.valor === 'number' && p.valor > 0))
      return fault('ERROR: Tag [valor] deve ser maior que zero', 'SOAP-ENV:Client-12');
    if (typeof p.data !== 'string' || !DATE.test(p.data))
      return fault('ERROR: Tag [data] inválida (dd/mm/aaaa)', 'SOAP-ENV:Client-11');
    const baixa = {
      codigo_baixa: this.nextId++,
      codigo_baixa_integracao: p.codigo_baixa_integracao,
      valor: p.valor,
      data: p.data,
    };
    r.baixas.push(baixa);
    const paid = r.baixas.reduce((s, b) => s + b.valor, 0);
    if (paid + 1e-9 >= r.valor_documento) r.status_titulo = 'RECEBIDO';
    return reply.json({
      codigo_lancamento: r.codigo_lancamento_omie,
      codigo_baixa: baixa.codigo_baixa,
      liquidado: r.status_titulo === 'RECEBIDO' ? 'S' : 'N',
      valor_baixado: p.valor,
      codigo_status: '0',
      descricao_status: 'Recebimento lançado com sucesso!',
    });
  }
}
