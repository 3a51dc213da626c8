import { FakeOmie, validDocument } from './omie';

const KEY = { app_key: 'k1', app_secret: 's1' };

describe('FakeOmie', () => {
  let omie: FakeOmie;
  let now = Date.parse('2026-12-03T12:00:00Z');
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${omie.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    omie = new FakeOmie({ appKey: 'k1', appSecret: 's1', now: () => now });
    await omie.start();
  });
  afterAll(() => omie.stop());
  beforeEach(() => omie.reset());

  it('wants the trailing slash, the key and a one-object param', async () => {
    expect(
      (await post('/api/v1/geral/clientes', { call: 'ListarClientes', ...KEY, param: [{}] })).status,
    ).toBe(301);
    const bad = await post('/api/v1/geral/clientes/', {
      call: 'ListarClientes',
      app_key: 'k1',
      app_secret: 'x',
      param: [{}],
    });
    expect(bad).toMatchObject({ status: 500, body: { faultcode: 'SOAP-ENV:Client-101' } });
    const noParam = await post('/api/v1/geral/clientes/', { call: 'ListarClientes', ...KEY, param: {} });
    expect(noParam.body.faultcode).toBe('SOAP-ENV:Client-4');
  });

  it('upserts customers by codigo_cliente_integracao and checks the CPF/CNPJ', async () => {
    const c = { codigo_cliente_integracao: 'c1', razao_social: 'Maria ME', cnpj_cpf: '52998224725' };
    const a = await post('/api/v1/geral/clientes/', { call: 'UpsertCliente', ...KEY, param: [c] });
    const b = await post('/api/v1/geral/clientes/', {
      call: 'UpsertCliente',
      ...KEY,
      param: [{ ...c, email: 'm@x.com' }],
    });
    expect(a.body.codigo_cliente_omie).toBe(b.body.codigo_cliente_omie);
    expect(omie.customers.size).toBe(1);
    expect(omie.customers.get('c1')!.email).toBe('m@x.com');
    const dup = await post('/api/v1/geral/clientes/', { call: 'IncluirCliente', ...KEY, param: [c] });
    expect(dup.body.faultcode).toBe('SOAP-ENV:Client-102');
    const badDoc = await post('/api/v1/geral/clientes/', {
      call: 'UpsertCliente',
      ...KEY,
      param: [{ ...c, cnpj_cpf: '52998224724' }],
    });
    expect(badDoc.body).toMatchObject({ faultcode: 'SOAP-ENV:Client-206' });
    expect(validDocument('11222333000181')).toBe(true);
  });

  it('answers a repeated query within 60 s with the redundancy fault', async () => {
    await post('/api/v1/geral/clientes/', {
      call: 'UpsertCliente',
      ...KEY,
      param: [{ codigo_cliente_integracao: 'c1', razao_social: 'M' }],
    });
    const q = { call: 'ConsultarCliente', ...KEY, param: [{ codigo_cliente_integracao: 'c1' }] };
    expect((await post('/api/v1/geral/clientes/', q)).status).toBe(200);
    const again = await post('/api/v1/geral/clientes/', q);
    expect(again.body).toMatchObject({ faultcode: 'SOAP-ENV:Client-6' });
    expect(again.body.faultstring).toMatch(/Aguarde \d+ segundos/);
    now += 61_000;
    expect((await post('/api/v1/geral/clientes/', q)).status).toBe(200);
  });

  it('settles a receivable once per codigo_baixa_integracao', async () => {
    await post('/api/v1/geral/clientes/', {
      call: 'UpsertCliente',
      ...KEY,
      param: [{ codigo_cliente_integracao: 'c1', razao_social: 'M' }],
    });
    await post('/api/v1/financas/contareceber/', {
      call: 'UpsertContaReceber',
      ...KEY,
      param: [
        {
          codigo_lancamento_integracao: 'i1',
          codigo_cliente_fornecedor_integracao: 'c1',
          data_vencimento: '10/12/2026',
          valor_documento: 100,
          codigo_categoria: '1.01.02',
        },
      ],
    });
    const pay = {
      call: 'LancarRecebimento',
      ...KEY,
      param: [
        { codigo_lancamento_integracao: 'i1', codigo_baixa_integracao: 'p1', valor: 100, data: '03/12/2026' },
      ],
    };
    expect((await post('/api/v1/financas/contareceber/', pay)).body.liquidado).toBe('S');
    expect((await post('/api/v1/financas/contareceber/', pay)).body.faultcode).toBe('SOAP-ENV:Client-102');
    expect(omie.receivables.get('i1')!.baixas).toHaveLength(1);
    const missing = await post('/api/v1/financas/contareceber/', {
      ...pay,
      param: [{ ...pay.param[0], codigo_lancamento_integracao: 'nope' }],
    });
    expect(missing.body.faultcode).toBe('SOAP-ENV:Client-105');
  });

  it('fails on demand the way Omie fails', async () => {
    omie.faultNext(1, 'ERROR: Erro interno', 'SOAP-ENV:Server');
    const r = await post('/api/v1/geral/clientes/', { call: 'ListarClientes', ...KEY, param: [{}] });
    expect(r).toMatchObject({ status: 500, body: { faultcode: 'SOAP-ENV:Server' } });
  });
});
