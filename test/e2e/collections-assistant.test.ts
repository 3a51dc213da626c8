import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CollectionsAssistant } from '../../src/collections/assistant/assistant';
import { parsePix } from '../../src/collections/br/pix';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

const BOLETO = '42297.11504 00001.954411 60020.034520 2 68610000054659';

/**
 * The assistant's dialogues, driven through its event subscriber with received-message events as
 * the WhatsApp normalisers produce them (the HTTP path up to the event is covered by the webhook tests).
 */
describe('collections assistant dialogues', () => {
  let t: TestApp;
  let db: Client;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        COLLECTIONS_PIX_KEY: 'cobranca@example.com',
        COLLECTIONS_PIX_MERCHANT_NAME: 'Loja Exemplo',
        COLLECTIONS_PIX_MERCHANT_CITY: 'Sao Paulo',
      },
    });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  let n = 0;
  const setup = async (extra: object = {}) => {
    const ws = await workspaceHarness(t);
    const digits = `5531977${String(100000 + ++n).slice(-6)}`;
    const debt = await ws.post('/v1/collections/debts', {
      externalId: `A-${n}`,
      name: 'Maria Souza',
      document: '529.982.247-25',
      phone: `+${digits}`,
      amountCents: 90000,
      dueDate: '2026-11-10',
      ...extra,
    });
    expect(debt.status).toBe(201);
    const workspaceId = (
      await db.query(`SELECT workspace_id FROM collection_debts WHERE id = $1`, [debt.body.id])
    ).rows[0].workspace_id as string;
    const assistant = t.app.get(CollectionsAssistant);
    const say = async (text: string | null, kind = 'text', contactId?: string) => {
      await assistant.onMessage({
        id: randomUUID(),
        workspaceId,
        sourceId: null,
        dedupeKey: null,
        type: 'whatsapp.message.received',
        occurredAt: new Date(),
        receivedAt: new Date(),
        attempts: 0,
        data: {
          provider: 'waha',
          from: digits,
          text,
          kind,
          media: null,
          messageId: `msg-${randomUUID()}`,
          timestamp: new Date().toISOString(),
          // What the conversation recorder adds to a real inbound message.
          ...(contactId ? { contactId } : {}),
        },
      });
    };
    const replies = async () =>
      (
        await db.query(
          `SELECT content->>'body' AS body FROM notifications WHERE workspace_id = $1 ORDER BY created_at, id`,
          [workspaceId],
        )
      ).rows.map((r) => r.body as string);
    const state = async () => (await ws.get(`/v1/collections/debts/${debt.body.id}`)).body;
    return { ws, say, replies, state, debtId: debt.body.id as string };
  };

  it('"já paguei" → receipt asked → an image → paid_claimed', async () => {
    const d = await setup();
    await d.say('já paguei');
    expect((await d.replies()).at(-1)).toMatch(/comprovante/);
    await d.say(null, 'image');
    expect((await d.state()).status).toBe('paid_claimed');
    const events = (await d.ws.get('/v1/events?type=collections.debt.paid_claimed')).body.data;
    expect(events[0].data).toMatchObject({ debtId: d.debtId, from: 'open', to: 'paid_claimed' });
  });

  it('"consigo pagar em 3x" → plans → "a segunda" → a Pix whose CRC verifies, for the instalment', async () => {
    const d = await setup();
    await d.say('consigo pagar em 3x');
    expect((await d.state()).status).toBe('negotiating');
    expect((await d.replies()).at(-1)).toMatch(/1\) 2x de R\$ 450,00\n2\) 3x de R\$ 300,00/);
    await d.say('a segunda');
    const last = (await d.replies()).at(-1)!;
    const code = last.split('\n').at(-1)!;
    expect(parsePix(code)).toMatchObject({ amountCents: 30000, key: 'cobranca@example.com' });
    expect((await d.state()).plan).toEqual({ installments: 3, amountCents: 30000, paidInstallments: 0 });
  });

  it('"manda o boleto de novo" → the boleto line', async () => {
    const d = await setup({ boletoLine: BOLETO });
    await d.say('manda o boleto de novo');
    expect((await d.replies()).at(-1)).toContain(BOLETO);
  });

  it('"não devo isso" → disputed and handed over, then silent', async () => {
    const d = await setup();
    await d.say('não devo isso');
    expect(await d.state()).toMatchObject({ status: 'disputed', handedOver: true });
    const before = (await d.replies()).length;
    await d.say('alô?? ninguém responde');
    expect((await d.replies()).length).toBe(before);
  });

  it('"para de me mandar mensagem" → opted out through the consent machinery, nothing more sent', async () => {
    const d = await setup();
    await d.say('para de me mandar mensagem');
    expect((await d.state()).status).toBe('opted_out');
    const before = (await d.replies()).length;
    await d.say('oi');
    expect((await d.replies()).length).toBe(before); // no active debt left to talk about
    const consent = (await db.query(`SELECT count(*) AS n FROM consent_changes WHERE source = 'collections'`))
      .rows[0].n;
    expect(Number(consent)).toBeGreaterThanOrEqual(1);
  });

  it('a promise records the date; a correction label is kept', async () => {
    const d = await setup();
    await d.say('vou pagar dia 15/12');
    expect(await d.state()).toMatchObject({
      status: 'promised',
      promisedFor: expect.stringMatching(/-12-15$/),
    });
    const [m] = (await db.query(`SELECT id FROM collection_messages WHERE debt_id = $1`, [d.debtId])).rows;
    const label = await d.ws.post(`/v1/collections/messages/${m.id}/label`, { intent: 'promise_to_pay' });
    expect(label.body).toMatchObject({ label: 'promise_to_pay' });
    expect((await d.ws.post(`/v1/collections/messages/${m.id}/label`, { intent: 'nope' })).status).toBe(400);
  });
  it('LGPD: the contact export holds the debtor, debt and messages; erasure blanks who the debtor is and the texts', async () => {
    const d = await setup();
    const debtorOf = `FROM collection_debts d JOIN collection_debtors p ON p.id = d.debtor_id WHERE d.id = $1`;
    const [{ phone }] = (await db.query(`SELECT p.phone ${debtorOf}`, [d.debtId])).rows;
    const contactId = (await d.ws.post('/v1/contacts', { phone, name: 'Maria Souza' })).body.id as string;
    await d.say('já paguei', 'text', contactId);
    const exported = await d.ws.get(`/v1/contacts/${contactId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.collections).toMatchObject({
      debtors: [expect.objectContaining({ name: 'Maria Souza', taxId: expect.stringMatching(/529/) })],
      debts: [expect.objectContaining({ id: d.debtId })],
      messages: [expect.objectContaining({ text: 'já paguei' })],
    });
    expect((await t.http().delete(`/v1/contacts/${contactId}`).set(t.auth(d.ws.key))).status).toBe(204);
    const debtor = (await db.query(`SELECT p.name, p.tax_id, p.phone, p.contact_id ${debtorOf}`, [d.debtId]))
      .rows[0];
    expect(debtor).toEqual({ name: 'erased', tax_id: '', phone: '', contact_id: null });
    const texts = (await db.query(`SELECT text FROM collection_messages WHERE debt_id = $1`, [d.debtId]))
      .rows;
    expect(texts.every((m: { text: string | null }) => m.text === null)).toBe(true);
  });
});
