import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CollectionsAssistant } from '../../src/collections/assistant/assistant';
import { parsePix } from '../../src/collections/br/pix';
import { CampaignRunner } from '../../src/collections/campaigns/campaign-runner';
import { CollectionsPayments } from '../../src/collections/payments/collections-payments';
import { PromiseReminders } from '../../src/collections/promises/promise-reminders';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

/** Local São Paulo wall time (UTC−3) as an instant. */
const sp = (local: string) => new Date(`${local}-03:00`);

/**
 * Payments close debts and instalments, promises are reminded the allowed day before, an operator
 * gives a handed-over debt back to the assistant, and a campaign's own plans and Pix receiver are
 * what the assistant offers.
 */
describe('collections: payments, promise reminders, release, campaign plans', () => {
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
  afterEach(() => t.clock.reset());

  let n = 0;
  const setup = async (extra: object = {}) => {
    const ws = await workspaceHarness(t);
    const digits = `5531966${String(100000 + ++n).slice(-6)}`;
    const debt = await ws.post('/v1/collections/debts', {
      externalId: `P-${n}`,
      name: 'Maria Souza',
      document: '529.982.247-25',
      phone: `+${digits}`,
      amountCents: 90000,
      dueDate: '2026-11-10',
      ...extra,
    });
    expect(debt.status).toBe(201);
    const debtId = debt.body.id as string;
    const externalId = debt.body.externalId as string;
    const workspaceId = (await db.query(`SELECT workspace_id FROM collection_debts WHERE id = $1`, [debtId]))
      .rows[0].workspace_id as string;
    const say = (text: string | null, kind = 'text') => {
      t.clock.advance(1000); // replies are ordered by their time, on a frozen clock too
      return t.app.get(CollectionsAssistant).onMessage({
        id: randomUUID(),
        workspaceId,
        sourceId: null,
        dedupeKey: null,
        type: 'whatsapp.message.received',
        occurredAt: t.clock.now(),
        receivedAt: t.clock.now(),
        attempts: 0,
        data: { provider: 'waha', from: digits, text, kind, media: null, messageId: `msg-${randomUUID()}` },
      });
    };
    const replies = async () =>
      (
        await db.query(
          `SELECT content->>'body' AS body FROM notifications WHERE workspace_id = $1 AND content IS NOT NULL ORDER BY created_at, id`,
          [workspaceId],
        )
      ).rows.map((r) => r.body as string);
    const state = async () => (await ws.get(`/v1/collections/debts/${debtId}`)).body;
    const pay = async (data: object) => {
      const r = await ws.post('/v1/events', { type: 'payment.received', data });
      expect(r.status).toBe(202);
      const id = r.body.id as string;
      await waitFor(
        async () => (await ws.get(`/v1/events/${id}`)).body.status === 'processed',
        60_000,
        `event ${id}`,
      );
      return id;
    };
    const events = async (type: string) => (await ws.get(`/v1/events?type=${type}`)).body.data as any[];
    return { ws, workspaceId, debtId, externalId, phone: `+${digits}`, say, replies, state, pay, events };
  };

  it('payment.received by external id closes the debt once; the payment-received workflow sends the receipt to the debtor', async () => {
    const d = await setup();
    expect((await d.ws.post('/v1/workflows/from-template', { template: 'payment-received' })).status).toBe(
      201,
    );
    const eventId = await d.pay({ externalId: d.externalId, amountCents: 90000, paymentId: 'pg-1' });
    expect(await d.state()).toMatchObject({ status: 'paid', paidCents: 90000 });
    const paid = await d.events('collections.debt.paid');
    expect(paid).toHaveLength(1);
    expect(paid[0].data).toMatchObject({ debtId: d.debtId, from: 'open', to: 'paid', paymentCents: 90000 });
    // the receipt: the workflow's notification reaches the debtor's phone with the payment-received template
    const receipt = await waitFor(
      async () =>
        (
          await db.query(
            `SELECT to_phone, data FROM notifications WHERE workspace_id = $1 AND template_key = 'payment-received'`,
            [d.workspaceId],
          )
        ).rows[0],
      60_000,
      'the receipt',
    );
    expect(receipt.to_phone).toBe(d.phone);
    expect(receipt.data).toMatchObject({ name: 'Maria Souza', amount: 900 });

    // the same event again (a redelivery): nothing applied twice
    const stored = (await d.ws.get(`/v1/events/${eventId}`)).body;
    await t.app.get(CollectionsPayments).onPayment({
      id: eventId,
      workspaceId: d.workspaceId,
      sourceId: null,
      dedupeKey: null,
      type: 'payment.received',
      occurredAt: new Date(stored.occurredAt),
      receivedAt: new Date(),
      attempts: 1,
      data: stored.data,
    });
    expect((await d.state()).paidCents).toBe(90000);
    expect(await d.events('collections.debt.paid')).toHaveLength(1);

    // no debt reference, or one nobody has: ignored
    await d.pay({ externalId: 'nobody', amountCents: 100 });
    await d.pay({ amountCents: 100 });
    expect((await d.state()).paidCents).toBe(90000);
  });

  it('a campaign\'s plans and Pix: "consigo pagar em 3x" → its plans → "a segunda" → its Pix for the instalment; instalments paid by debt id; the last closes the debt', async () => {
    const d = await setup();
    t.clock.freeze(sp('2026-12-01T10:00:00'));
    const campaign = await d.ws.post('/v1/collections/campaigns', {
      name: 'Dezembro',
      template: 'Olá {{ name }}',
      ratePerMinute: 60,
      plans: [{ instalments: 1, discountPercent: 10 }, { instalments: 3 }, { instalments: 6 }],
      pix: { key: 'financeiro@loja.example', merchantName: 'Loja Dezembro', merchantCity: 'Belo Horizonte' },
    });
    expect(campaign.status).toBe(201);
    expect(campaign.body.plans).toEqual([
      { instalments: 1, discountPercent: 10 },
      { instalments: 3 },
      { instalments: 6 },
    ]);
    await d.ws.post(`/v1/collections/campaigns/${campaign.body.id}/start`, {});
    let sent = 0;
    for (let s = 10; s <= 30; s += 10) {
      t.clock.freeze(new Date(sp('2026-12-01T10:00:00').getTime() + s * 1000));
      sent += await t.app.get(CampaignRunner).tick();
    }
    expect(sent).toBe(1);

    await d.say('consigo pagar em 3x');
    expect((await d.replies()).at(-1)).toMatch(
      /1\) à vista R\$ 810,00 \(10% de desconto\)\n2\) 3x de R\$ 300,00\n3\) 6x de R\$ 150,00/,
    );
    await d.say('a segunda');
    const code = (await d.replies()).at(-1)!.split('\n').at(-1)!;
    expect(parsePix(code)).toMatchObject({
      amountCents: 30000,
      key: 'financeiro@loja.example',
      name: 'Loja Dezembro',
    });
    expect((await d.state()).plan).toEqual({ installments: 3, amountCents: 30000, paidInstallments: 0 });

    await d.pay({ debtId: d.debtId, amountCents: 30000 });
    expect(await d.state()).toMatchObject({
      status: 'negotiating',
      paidCents: 30000,
      plan: { installments: 3, paidInstallments: 1 },
    });
    const partial = await d.events('collections.debt.payment_received');
    expect(partial[0].data).toMatchObject({ debtId: d.debtId, instalment: 1, paidCents: 30000 });
    await d.pay({ debtId: d.debtId, amount: 300 });
    await d.pay({ debt: { id: d.debtId }, amountCents: 30000 });
    expect(await d.state()).toMatchObject({
      status: 'paid',
      paidCents: 90000,
      plan: { paidInstallments: 3 },
    });
    const stats = (await d.ws.get(`/v1/collections/campaigns/${campaign.body.id}/stats`)).body;
    expect(stats).toMatchObject({ paid: 1, amountRecoveredCents: 90000 });
  });

  it("a promise is reminded once, the allowed day before (a holiday skipped), at the window's opening", async () => {
    const d = await setup();
    const reminders = t.app.get(PromiseReminders);
    t.clock.freeze(sp('2026-12-21T15:00:00')); // Monday
    // Saturday 26: the day before is Christmas, so Thursday 24
    await d.say('vou pagar dia 26/12');
    expect(await d.state()).toMatchObject({ status: 'promised', promisedFor: '2026-12-26' });
    const before = (await d.replies()).length;
    for (const local of ['2026-12-22T09:00:00', '2026-12-23T19:59:00', '2026-12-24T07:59:00']) {
      t.clock.freeze(sp(local));
      expect(await reminders.sweep()).toBe(0);
    }
    t.clock.freeze(sp('2026-12-24T08:00:30'));
    expect(await Promise.all([reminders.sweep(), reminders.sweep()])).toEqual(expect.arrayContaining([1, 0]));
    t.clock.freeze(sp('2026-12-24T12:00:00'));
    expect(await reminders.sweep()).toBe(0);
    const after = await d.replies();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatch(/Lembrete: o pagamento de R\$ 900,00 ficou combinado para 26\/12/);
  });

  it('a promise paid before its reminder: nothing is sent', async () => {
    const d = await setup();
    t.clock.freeze(sp('2026-12-01T10:00:00')); // Tuesday
    await d.say('vou pagar dia 10/12');
    expect((await d.state()).promisedFor).toBe('2026-12-10');
    await d.pay({ externalId: d.externalId });
    expect(await d.state()).toMatchObject({ status: 'paid', paidCents: 90000 });
    const before = (await d.replies()).length;
    t.clock.freeze(sp('2026-12-09T10:00:00'));
    expect(await t.app.get(PromiseReminders).sweep()).toBe(0);
    expect(await d.replies()).toHaveLength(before);
    const row = (
      await db.query(`SELECT status, reason FROM collection_promise_reminders WHERE debt_id = $1`, [d.debtId])
    ).rows[0];
    expect(row).toEqual({ status: 'cancelled', reason: 'paid' });
  });

  it('dispute → handed over and silent; an operator releases it → open, the assistant answers again', async () => {
    const d = await setup();
    await d.say('não devo isso');
    expect(await d.state()).toMatchObject({ status: 'disputed', handedOver: true });
    const silent = (await d.replies()).length;
    await d.say('oi, tem alguém aí?');
    expect(await d.replies()).toHaveLength(silent);

    const released = await d.ws.post(`/v1/collections/debts/${d.debtId}/release`, {});
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'open', handedOver: false });
    expect((await d.events('collections.debt.released'))[0].data).toMatchObject({
      debtId: d.debtId,
      from: 'disputed',
      to: 'open',
    });
    await d.say('manda o pix');
    expect(await d.replies()).toHaveLength(silent + 1);
    // nobody has it now: releasing again is a conflict; another workspace's debt is not found
    expect((await d.ws.post(`/v1/collections/debts/${d.debtId}/release`, {})).body).toMatchObject({
      status: 409,
      code: 'DEBT_NOT_HANDED_OVER',
    });
    const other = await workspaceHarness(t);
    expect((await other.post(`/v1/collections/debts/${d.debtId}/release`, {})).status).toBe(404);
  });
});
