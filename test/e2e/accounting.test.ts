import { DataSource } from 'typeorm';
import { OmieAdapter } from '../../src/accounting/adapters/omie/omie.adapter';
import { AccountingTriggers } from '../../src/accounting/syncs/accounting-triggers';
import { FakeOmie } from '../fakes/omie';
import { FakeRestErp } from '../fakes/rest-erp';
import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

const MARIA = {
  clientId: 'c-100',
  name: 'Maria',
  document: '52998224725',
  email: 'maria@ex.com',
  phone: '11987654321',
};

/** Omie and a REST ERP behind the accounting module: triggers, retries, the DLQ, conflicts. */
describe('accounting: syncs to Omie and a REST ERP', () => {
  let t: TestApp;
  let omieNow = Date.now();
  const omie = new FakeOmie({ appKey: 'app-key-1', appSecret: 'app-secret-1', now: () => omieNow });
  const erp = new FakeRestErp('erp-token');
  const receiver = new FakeWebhookReceiver();
  let ws: Awaited<ReturnType<typeof workspaceHarness>>;
  let connectionId: string;

  const event = async (type: string, data: object) => {
    const r = await ws.post('/v1/events', { type, data });
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const processed = (id: string) =>
    waitFor(
      async () => (await ws.get(`/v1/events/${id}`)).body.status === 'processed',
      15_000,
      `event ${id}`,
    );
  const sync = async (entityType: string, localId: string, status: string) =>
    waitFor(
      async () => {
        const r = await ws.get(`/v1/accounting/syncs?entityType=${entityType}&limit=200`);
        const s = r.body.data.find((x: { localId: string }) => x.localId === localId);
        return s?.status === status && s;
      },
      15_000,
      `${entityType} ${localId} ${status}`,
    );
  const upserts = (id: string) =>
    omie.calls('UpsertCliente').filter((p) => p.codigo_cliente_integracao === id);

  beforeAll(async () => {
    await omie.start();
    await erp.start();
    await receiver.start();
    t = await startTestApp({
      env: {
        ACCOUNTING_RETRY_SCHEDULE: '0,100ms,100ms,100ms',
        OMIE_BASE_URL: `${omie.url}/api/v1`,
        EVENT_RETRY_SCHEDULE: '0,300ms',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    ws = await workspaceHarness(t);
    const c = await ws.post('/v1/accounting/connections', {
      kind: 'omie',
      name: 'Omie — InterAlpha',
      config: { appKey: 'app-key-1', appSecret: 'app-secret-1', categoryCode: '1.01.02' },
    });
    expect(c.status).toBe(201);
    connectionId = c.body.id;
  });
  afterAll(async () => {
    await t.close();
    await omie.stop();
    await erp.stop();
    await receiver.stop();
  });

  it('keeps credentials sealed and masked, checks them, refuses a bad config with field errors', async () => {
    const got = await ws.get(`/v1/accounting/connections/${connectionId}`);
    expect(got.body.config.appSecret).toBe('••••et-1');
    expect(JSON.stringify(got.body)).not.toContain('app-secret-1');
    expect((await ws.post(`/v1/accounting/connections/${connectionId}/check`, {})).body.ok).toBe(true);

    const bad = await ws.post('/v1/accounting/connections', {
      kind: 'omie',
      name: 'x',
      config: { appKey: 'k' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('ACCOUNTING_CONFIG_INVALID');
    expect(bad.body.errors).toEqual([{ field: 'config.appSecret', message: 'is required' }]);
    const badRest = await ws.post('/v1/accounting/connections', {
      kind: 'rest',
      name: 'x',
      config: { baseUrl: erp.url, operations: { setupCustomer: { request: '{"method": ' } } },
    });
    expect(badRest.status).toBe(422);
    expect(badRest.body.errors[0].field).toBe('config.operations.setupCustomer.request');

    const wrong = await ws.post('/v1/accounting/connections', {
      kind: 'omie',
      name: 'wrong key',
      config: { appKey: 'app-key-1', appSecret: 'nope' },
      enabled: false,
    });
    const check = await ws.post(`/v1/accounting/connections/${wrong.body.id}/check`, {});
    expect(check.body).toMatchObject({ ok: false });
    expect(check.body.detail).toMatch(/Client-101/);
    const other = await workspaceHarness(t);
    expect((await other.get(`/v1/accounting/connections/${connectionId}`)).status).toBe(404);
    const del = await t.http().delete(`/v1/accounting/connections/${wrong.body.id}`).set(t.auth(ws.key));
    expect(del.status).toBe(204);
  });

  it('client.registered creates the customer at Omie once, even when the event is repeated or retried', async () => {
    const id = await event('client.registered', MARIA);
    const s = await sync('customer', 'c-100', 'success');
    expect(s.externalId).toMatch(/^\d+$/);
    const customer = omie.customers.get('c-100')!;
    expect(customer).toMatchObject({
      razao_social: 'Maria',
      cnpj_cpf: '52998224725',
      email: 'maria@ex.com',
      telefone1_ddd: '11',
      telefone1_numero: '987654321',
    });
    await processed(id);
    // The same event again (a provider's retry), and the subscriber run again on the stored event.
    await processed(await event('client.registered', MARIA));
    const stored = (await ws.get(`/v1/events/${id}`)).body;
    const [{ workspace_id: workspaceId }] = await t.app
      .get(DataSource)
      .query('SELECT workspace_id FROM accounting_connections WHERE id = $1', [connectionId]);
    await t.app.get(AccountingTriggers).onClient({
      id,
      workspaceId,
      sourceId: null,
      dedupeKey: null,
      type: 'client.registered',
      occurredAt: new Date(stored.occurredAt),
      receivedAt: new Date(),
      data: stored.data,
      attempts: 2,
    });
    expect(upserts('c-100')).toHaveLength(1);
    expect(omie.customers.size).toBe(1);
  });

  it('invoice.issued → receivable; payment.received → settled once', async () => {
    await event('invoice.issued', {
      invoiceId: 'inv-1',
      clientId: 'c-100',
      amount: 15000,
      dueDate: '2026-12-10',
    });
    await sync('invoice', 'inv-1', 'success');
    expect(omie.receivables.get('inv-1')).toMatchObject({
      valor_documento: 150,
      data_vencimento: '10/12/2026',
    });
    await event('payment.received', {
      paymentId: 'pay-1',
      invoiceId: 'inv-1',
      amount: 15000,
      paidAt: '2026-12-03',
    });
    await sync('payment', 'pay-1', 'success');
    const r = omie.receivables.get('inv-1')!;
    expect(r.status_titulo).toBe('RECEBIDO');
    expect(r.baixas).toEqual([
      expect.objectContaining({ codigo_baixa_integracao: 'pay-1', valor: 150, data: '03/12/2026' }),
    ]);
  });

  it('Omie failing 3 times: retried on the schedule, then success; exhausted → DLQ kind accounting; a bad CPF is not retried', async () => {
    omie.faultNext(3, 'ERROR: Erro interno no servidor', 'SOAP-ENV:Server');
    await event('client.registered', { clientId: 'c-200', name: 'João', document: '11144477735' });
    const ok = await sync('customer', 'c-200', 'success');
    expect(ok.attempts).toBe(4);
    expect(upserts('c-200')).toHaveLength(4);
    expect(omie.customers.get('c-200')).toBeDefined();

    omie.failWhen((r) => r.body?.param?.[0]?.codigo_cliente_integracao === 'c-300', {
      status: 500,
      body: { faultstring: 'ERROR: Erro interno no servidor', faultcode: 'SOAP-ENV:Server' },
    });
    await event('client.registered', { clientId: 'c-300', name: 'Ana' });
    const failed = await sync('customer', 'c-300', 'failed');
    expect(failed.attempts).toBe(4);
    expect(failed.lastError).toMatch(/OMIE_SERVER/);
    const dlq = await ws.get('/v1/dlq?kind=accounting');
    const entry = dlq.body.data.find((d: { refId: string }) => d.refId === failed.id);
    expect(entry).toMatchObject({ kind: 'accounting', attempts: 4 });
    omie.clearFailures();
    expect((await ws.post(`/v1/dlq/${entry.id}/retry`, {})).status).toBe(202);
    await sync('customer', 'c-300', 'success');

    await event('client.registered', { clientId: 'c-400', name: 'Rui', document: '52998224724' });
    const refused = await sync('customer', 'c-400', 'failed');
    expect(refused.attempts).toBe(1);
    expect(refused.lastError).toMatch(/OMIE_INVALID_DOCUMENT/);
    // The API retry starts it over (and fails the same way: the CPF is still wrong).
    const retried = await ws.post(`/v1/accounting/syncs/${refused.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect((await ws.post(`/v1/accounting/syncs/${ok.id}/retry`, {})).body.code).toBe('SYNC_NOT_RETRYABLE');
  });

  it("honours Omie's limits: writes of one method one at a time, a query not repeated within a minute", async () => {
    let ids: string[] = [];
    omie.writeDelayMs = 40;
    try {
      ids = Array.from({ length: 8 }, (_, i) => `c-5${i}`);
      await Promise.all(ids.map((id) => event('client.registered', { clientId: id, name: `Cliente ${id}` })));
      for (const id of ids) expect((await sync('customer', id, 'success')).attempts).toBe(1);
    } finally {
      omie.writeDelayMs = 0;
    }
    // Omie answers Client-1880 to a write overlapping another of its method: none was refused.
    expect(omie.calls('UpsertCliente').filter((p) => ids.includes(p.codigo_cliente_integracao))).toHaveLength(
      8,
    );
    expect(upserts('c-50')).toHaveLength(1);

    const account = {
      id: connectionId,
      workspaceId: 'w',
      kind: 'omie',
      config: { appKey: 'app-key-1', appSecret: 'app-secret-1' },
    };
    const adapter = t.app.get(OmieAdapter);
    const consults = omie.calls('ConsultarCliente').length;
    const first = await adapter.getCustomer(account, 'c-51');
    const second = await adapter.getCustomer(account, 'c-51');
    expect(second).toEqual(first);
    expect(omie.calls('ConsultarCliente')).toHaveLength(consults + 1);
  });

  it('both sides changed → a conflict with the field diff; remote writes nothing, local writes once', async () => {
    omie.editCustomer('c-100', { email: 'maria@omie.com.br' });
    await event('client.updated', { ...MARIA, name: 'Maria Souza' });
    await sync('customer', 'c-100', 'conflict');
    const list = await ws.get('/v1/accounting/conflicts');
    expect(list.body.data).toHaveLength(1);
    const conflict = list.body.data[0];
    expect(conflict.diff).toEqual([
      { field: 'name', base: 'Maria', local: 'Maria Souza', remote: 'Maria' },
      { field: 'email', base: 'maria@ex.com', local: 'maria@ex.com', remote: 'maria@omie.com.br' },
    ]);
    const before = upserts('c-100').length;
    const kept = await ws.post(`/v1/accounting/conflicts/${conflict.id}/resolve`, { keep: 'remote' });
    expect(kept.status).toBe(200);
    expect(kept.body.sync.status).toBe('success');
    expect(upserts('c-100')).toHaveLength(before);
    expect(omie.customers.get('c-100')!.email).toBe('maria@omie.com.br');
    expect(
      (await ws.post(`/v1/accounting/conflicts/${conflict.id}/resolve`, { keep: 'local' })).body.code,
    ).toBe('CONFLICT_ALREADY_RESOLVED');

    // Omie answers one query per minute: both clocks move past it.
    t.clock.advance(61_000);
    omieNow += 61_000;
    omie.editCustomer('c-100', { telefone1_numero: '911112222' });
    await event('client.updated', { ...MARIA, name: 'Maria L.', email: 'maria@omie.com.br' });
    await sync('customer', 'c-100', 'conflict');
    const second = (await ws.get('/v1/accounting/conflicts')).body.data[0];
    expect(second.diff.map((d: { field: string }) => d.field)).toEqual(['name', 'phone']);
    const writes = upserts('c-100').length;
    const local = await ws.post(`/v1/accounting/conflicts/${second.id}/resolve`, { keep: 'local' });
    expect(local.body.sync.status).toBe('pending');
    await sync('customer', 'c-100', 'success');
    expect(upserts('c-100')).toHaveLength(writes + 1);
    expect(omie.customers.get('c-100')).toMatchObject({
      nome_fantasia: 'Maria L.',
      telefone1_numero: '987654321',
    });
  });

  it("LGPD: a contact's export lists the customer versions kept by accounting; erasure blanks them", async () => {
    const contact = await ws.post('/v1/contacts', {
      name: 'Maria',
      phone: '+5511987654321',
      email: 'maria@ex.com',
    });
    expect([200, 201]).toContain(contact.status);
    const exported = (await ws.get(`/v1/contacts/${contact.body.id}/export`)).body;
    const mine = exported.accountingSyncs.syncs.filter((x: { localId: string }) => x.localId === 'c-100');
    expect(mine).toEqual([expect.objectContaining({ entityType: 'customer', status: 'success' })]);
    expect(exported.accountingSyncs.conflicts.length).toBeGreaterThanOrEqual(2);
    expect((await t.http().delete(`/v1/contacts/${contact.body.id}`).set(t.auth(ws.key))).status).toBe(204);
    const db = t.app.get(DataSource);
    const [row] = await db.query(`SELECT pending, synced FROM accounting_syncs WHERE local_id = 'c-100'`);
    expect(row).toEqual({ pending: { id: 'c-100', erased: true }, synced: { id: 'c-100', erased: true } });
    const left = await db.query(
      `SELECT count(*)::int AS n FROM accounting_conflicts WHERE "local"::text LIKE '%maria@%'`,
    );
    expect(left[0].n).toBe(0);
  });

  it('a REST ERP mapped with JSONata; the accounting.setupCustomer workflow action', async () => {
    const rest = await workspaceHarness(t);
    const c = await rest.post('/v1/accounting/connections', {
      kind: 'rest',
      name: 'ERP',
      triggers: ['client.registered'],
      config: {
        baseUrl: erp.url,
        headers: { Authorization: 'Bearer erp-token' },
        operations: {
          setupCustomer: {
            request:
              '{"method": "PUT", "path": "/customers/" & input.id, "body": {"name": input.name, "email": input.email}}',
          },
          getCustomer: {
            request: '{"method": "GET", "path": "/customers/" & id}',
            response:
              '{"customer": {"id": body.id, "name": body.name, "email": body.email}, "externalId": body.id}',
          },
          fetchChanges: {
            request:
              '{"method": "GET", "path": "/customers", "query": {"cursor": cursor, "limit": pageSize}}',
          },
        },
      },
    });
    expect(c.status).toBe(201);
    expect(c.body.config.headers.Authorization).toMatch(/^••••/);
    expect((await rest.post(`/v1/accounting/connections/${c.body.id}/check`, {})).body.ok).toBe(true);
    const wf = await rest.post('/v1/workflows', {
      key: 'finance-setup',
      name: 'Set the client up in finance',
      active: true,
      trigger: { event: 'lead.converted' },
      steps: [
        {
          id: 'finance',
          type: 'action',
          name: 'accounting.setupCustomer',
          input: '{"clientId": event.data.id, "name": event.data.name, "email": event.data.email}',
        },
      ],
    });
    expect(wf.status).toBe(201);
    const r = await rest.post('/v1/events', {
      type: 'lead.converted',
      data: { id: 'L-9', name: 'Bia', email: 'bia@ex.com' },
    });
    expect(r.status).toBe(202);
    await waitFor(async () => erp.customers.get('L-9'), 15_000, 'customer L-9 at the ERP');
    expect(erp.customers.get('L-9')).toMatchObject({ name: 'Bia', email: 'bia@ex.com' });
    expect(erp.applied.get('L-9')).toBe(1);
    const syncs = await rest.get('/v1/accounting/syncs?status=success');
    expect(syncs.body.data).toEqual([expect.objectContaining({ localId: 'L-9', externalId: 'L-9' })]);
  });
  it('without an accounting connection, setupCustomer delivers to the endpoints of system accounting', async () => {
    const plain = await workspaceHarness(t);
    const ep = await plain.post('/v1/endpoints', {
      name: 'finance',
      url: `${receiver.url}/hooks/finance`,
      eventTypes: ['nothing.*'],
      system: 'accounting',
    });
    expect(ep.status).toBe(201);
    receiver.trust(ep.body.secret);
    const wf = await plain.post('/v1/workflows/from-template', { template: 'client-registered' });
    expect(wf.status).toBe(201);
    await plain.post('/v1/events', {
      type: 'client.registered',
      data: { clientId: 'c-900', name: 'Lia', email: 'lia@ex.com' },
    });
    const [delivery] = await receiver.waitForDeliveries(1, 15_000);
    expect(delivery).toMatchObject({
      verified: true,
      body: { type: 'accounting.setupCustomer', data: { clientId: 'c-900', name: 'Lia' } },
    });
  });
});
