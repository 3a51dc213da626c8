import { Client } from 'pg';
import { waitFor } from '../support/private-redis';
import { rawRequest } from '../support/raw-http';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

/** Valid CPFs made from a 9-digit body (check digits computed independently of the code under test). */
function cpf(n: number): string {
  const body = String(100000000 + n).slice(-9);
  const dv = (digits: string, start: number) => {
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (start - i), 0);
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = dv(body, 10);
  const d2 = dv(body + d1, 11);
  return body + d1 + d2;
}

describe('collections: debtor imports (CSV, multipart, JSON) with a row-level report', () => {
  let t: TestApp;
  let db: Client;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const finished = (ws: Awaited<ReturnType<typeof workspaceHarness>>, id: string) =>
    waitFor(
      async () => {
        const r = (await ws.get(`/v1/collections/imports/${id}`)).body;
        return (r.status === 'completed' || r.status === 'failed') && r;
      },
      60_000,
      `import ${id}`,
    );

  it('a 5,000-row CSV with 1 % bad rows: exactly those rows rejected with field and reason, the rest stored; a re-import updates', async () => {
    const ws = await workspaceHarness(t);
    const lines = ['externalId;nome;cpf_cnpj;telefone;valor;vencimento'];
    const bad = new Map<number, string>();
    for (let i = 1; i <= 5000; i++) {
      let doc = cpf(i);
      let phone = `3199${String(1000000 + i).slice(-7)}`;
      let value = `${i},50`;
      if (i % 100 === 0) {
        const kind = (i / 100) % 3;
        if (kind === 0) doc = doc.slice(0, 10) + ((Number(doc[10]) + 1) % 10);
        else if (kind === 1) phone = '12';
        else value = 'muito';
        bad.set(i, ['document', 'phone', 'amount'][kind]);
      }
      lines.push(`D-${i};"Devedor ${i}; Silva";${doc};${phone};${value};30/11/2026`);
    }
    const csv = lines.join('\r\n') + '\r\n';
    const res = await t
      .http()
      .post('/v1/collections/debtors/import')
      .set(t.auth(ws.key))
      .set('content-type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(202);
    const report = await finished(ws, res.body.id);
    expect(report).toMatchObject({
      status: 'completed',
      accepted: 4950,
      updated: 0,
      rejected: 50,
      processedRows: 5000,
    });
    expect(report.rejectedRows.map((r: any) => [r.row, r.field])).toEqual(
      [...bad].map(([row, field]) => [row, field]),
    );
    expect(report.rejectedRows[0].reason).toMatch(/./);
    // the raw upload is gone once completed; the rejections name the field, never the value
    const raw = await db.query(
      `SELECT count(*)::int AS n FROM collection_import_chunks WHERE import_id = $1`,
      [res.body.id],
    );
    expect(raw.rows[0].n).toBe(0);
    const leaked = await db.query(
      `SELECT count(*)::int AS n FROM collection_import_rejections WHERE import_id = $1
         AND (reason ILIKE '%muito%' OR reason ILIKE '%Devedor%' OR reason ~ '\\d{6}' OR field ~ '\\d')`,
      [res.body.id],
    );
    expect(leaked.rows[0].n).toBe(0);

    const one = (await ws.get('/v1/collections/debts?externalId=D-7')).body.data[0];
    expect(one).toMatchObject({ status: 'open', amountCents: 750, dueDate: '2026-11-30' });
    const full = (await ws.get(`/v1/collections/debts/${one.id}`)).body;
    expect(full.debtor).toMatchObject({
      name: 'Devedor 7; Silva',
      phone: '+5531991000007',
      taxIdKind: 'cpf',
    });
    expect(full.debtor.taxId).toMatch(/^•••\.•••\.•••-\d\d$/);

    // LGPD: the contact with a debtor's phone (never messaged, so not linked) is erased: so is the debtor
    const contact = await ws.post('/v1/contacts', { phone: '+5531991000008', name: 'Devedor 8' });
    expect((await t.http().delete(`/v1/contacts/${contact.body.id}`).set(t.auth(ws.key))).status).toBe(204);
    const eight = (await ws.get('/v1/collections/debts?externalId=D-8')).body.data[0];
    expect((await ws.get(`/v1/collections/debts/${eight.id}`)).body.debtor).toMatchObject({
      name: 'erased',
      phone: '',
    });

    // the same rows again (multipart this time): every good row is an update
    const boundary = '----ponte-test-boundary';
    const multipart = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="debts.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.from(csv),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const again = await rawRequest(t.app.getHttpServer(), {
      path: '/v1/collections/debtors/import',
      headers: { ...t.auth(ws.key), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipart,
    });
    expect(again.status).toBe(202);
    expect(await finished(ws, again.body.id)).toMatchObject({
      status: 'completed',
      accepted: 0,
      updated: 4950,
      rejected: 50,
    });
  });

  it('JSON rows; alphanumeric CNPJ; a repeated external id in one import is one debt; import events', async () => {
    const ws = await workspaceHarness(t);
    const row = {
      externalId: 'J-1',
      name: 'Loja ABC',
      document: '12.ABC.345/01DE-35',
      phone: '+5531992953088',
      amountCents: 5000,
      dueDate: '2026-12-01',
    };
    const res = await ws.post('/v1/collections/debtors/import', [
      row,
      { ...row, amountCents: 7000 },
      { ...row, externalId: 'J-2', document: '12.ABC.345/01DE-45' },
    ]);
    expect(res.status).toBe(202);
    const report = await finished(ws, res.body.id);
    expect(report).toMatchObject({ accepted: 1, updated: 1, rejected: 1 });
    expect(report.rejectedRows).toEqual([
      { row: 3, field: 'document', reason: 'not a valid CPF or CNPJ (check digits)' },
    ]);
    const debts = (await ws.get('/v1/collections/debts')).body.data;
    expect(debts).toHaveLength(1);
    expect(debts[0].amountCents).toBe(7000);
    const events = (await ws.get('/v1/events?type=collections.import.completed')).body.data;
    expect(events[0].data).toMatchObject({ importId: res.body.id, accepted: 1, rejected: 1 });
  });

  it('bad bodies are 4xx problems: not rows, other content types, empty upload; a foreign import is 404', async () => {
    const ws = await workspaceHarness(t);
    expect((await ws.post('/v1/collections/debtors/import', { nope: 1 })).body).toMatchObject({
      status: 400,
      code: 'IMPORT_BODY_INVALID',
    });
    const xml = await t
      .http()
      .post('/v1/collections/debtors/import')
      .set(t.auth(ws.key))
      .set('content-type', 'text/xml')
      .send('<a/>');
    expect(xml.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const csvElsewhere = await t
      .http()
      .post('/v1/contacts')
      .set(t.auth(ws.key))
      .set('content-type', 'text/csv')
      .send('a,b\n');
    expect(csvElsewhere.status).toBe(415);
    const noBoundary = await rawRequest(t.app.getHttpServer(), {
      path: '/v1/collections/debtors/import',
      headers: { ...t.auth(ws.key), 'content-type': 'multipart/form-data' },
      body: 'x',
    });
    expect(noBoundary.body).toMatchObject({ status: 400, code: 'IMPORT_BODY_INVALID' });
    const other = await workspaceHarness(t);
    const mine = await ws.post('/v1/collections/debtors/import', []);
    expect((await other.get(`/v1/collections/imports/${mine.body.id}`)).status).toBe(404);
  });

  it('debts CRUD: create, update by external id, status change publishes collections.debt.<status>, delete', async () => {
    const ws = await workspaceHarness(t);
    const body = {
      externalId: 'C-1',
      name: 'Maria',
      document: '52998224725',
      phone: '31992953088',
      amountCents: 10000,
      dueDate: '2026-12-10',
    };
    const created = await ws.post('/v1/collections/debts', body);
    expect(created.status).toBe(201);
    const again = await ws.post('/v1/collections/debts', { ...body, amountCents: 12000 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: created.body.id, amountCents: 12000 });
    expect((await ws.post('/v1/collections/debts', { ...body, document: '52998224724' })).body).toMatchObject(
      {
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'document' }],
      },
    );
    const patched = await t
      .http()
      .patch(`/v1/collections/debts/${created.body.id}`)
      .set(t.auth(ws.key))
      .send({ status: 'written_off' });
    expect(patched.body.status).toBe('written_off');
    const events = (await ws.get('/v1/events?type=collections.debt.written_off')).body.data;
    expect(events[0].data).toMatchObject({ debtId: created.body.id, from: 'open', to: 'written_off' });
    expect((await ws.get('/v1/collections/debts?status=written_off')).body.data).toHaveLength(1);
    const del = await t.http().delete(`/v1/collections/debts/${created.body.id}`).set(t.auth(ws.key));
    expect(del.status).toBe(204);
    expect((await ws.get(`/v1/collections/debts/${created.body.id}`)).status).toBe(404);
  });

  it('POST /v1/collections/classify: intent, confidence and entities; bad input is a 400 problem', async () => {
    const ws = await workspaceHarness(t);
    t.clock.freeze('2026-03-10T15:00:00Z');
    try {
      const res = await ws.post('/v1/collections/classify', {
        text: 'consigo pagar mil e quinhentos dia 15',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        intent: 'promise_to_pay',
        entities: { amounts: [150000], date: '2026-03-15' },
      });
      expect(res.body.confidence).toBeGreaterThan(0.5);
      expect(
        (await ws.post('/v1/collections/classify', { text: 'para de me mandar mensagem' })).body.intent,
      ).toBe('opt_out');
      expect((await ws.post('/v1/collections/classify', { text: '' })).body).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      const label = await ws.post('/v1/collections/messages/01936b2e-1f2a-7cc3-8a4b-1234567890ab/label', {
        intent: 'paid',
      });
      expect(label.status).toBe(404);
    } finally {
      t.clock.reset();
    }
  });
});
