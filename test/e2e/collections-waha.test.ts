import { Client } from 'pg';
import { campaignNotificationId, CampaignRunner } from '../../src/collections/campaigns/campaign-runner';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import { FakeWaha } from '../fakes/waha';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

function cpf(n: number): string {
  const body = String(300000000 + n).slice(-9);
  const dv = (digits: string, start: number) => {
    const r = [...digits].reduce((s, d, i) => s + Number(d) * (start - i), 0) % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = dv(body, 10);
  return body + d1 + dv(body + d1, 11);
}

/** Local São Paulo wall time (UTC−3) as an instant. */
const sp = (local: string) => new Date(`${local}-03:00`);
const WAHA = { apiKey: 'waha-api-key-cobranca', hmacKey: 'waha-hmac-cobranca' };

/** Collections end to end at the WAHA fake: a campaign's messages arrive there, and debtors answer through WAHA's webhook. */
describe('collections through WAHA (fake)', () => {
  let t: TestApp;
  let db: Client;
  const waha = new FakeWaha({ apiKey: WAHA.apiKey, hmacKey: WAHA.hmacKey });
  beforeAll(async () => {
    await waha.start();
    t = await startListeningApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
    await waha.stop();
  });
  afterEach(() => t.clock.reset());

  const workspace = async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'waha',
      name: 'WAHA',
      config: { baseUrl: waha.url, apiKey: WAHA.apiKey, session: 'default' },
    });
    return ws;
  };
  const texts = () => waha.sentMessages().filter((m) => m.kind === 'text');

  it('1,000 debts at 60/min from Saturday 19:50: what arrives at WAHA stops at 20:00, resumes Monday 08:00; a worker killed mid-send sends no debt twice', async () => {
    const ws = await workspace();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `W-${i}`,
      name: `Cliente ${i}`,
      document: cpf(i),
      phone: `3199${String(1000000 + i).slice(-7)}`,
      amountCents: 10000 + i,
      dueDate: '2026-11-10',
    }));
    const imp = await ws.post('/v1/collections/debtors/import', rows);
    await waitFor(
      async () => (await ws.get(`/v1/collections/imports/${imp.body.id}`)).body.status === 'completed',
      60_000,
      'import',
    );
    t.clock.freeze(sp('2026-11-28T19:50:00')); // a Saturday
    const created = await ws.post('/v1/collections/campaigns', {
      name: 'Novembro WAHA',
      template: 'Olá {{ name }}, consta em aberto {{ amount }}.',
      ratePerMinute: 60,
    });
    const id = created.body.id as string;
    await ws.post(`/v1/collections/campaigns/${id}/start`, {});
    const runner = t.app.get(CampaignRunner);
    for (let s = 0; s <= 600; s += 10) {
      t.clock.freeze(new Date(sp('2026-11-28T19:50:00').getTime() + s * 1000));
      await Promise.all([runner.tick(), runner.tick()]);
    }
    const saturday = await waitFor(
      async () => {
        const sent = Number(
          (
            await db.query(
              `SELECT count(*) AS n FROM collection_campaign_sends WHERE campaign_id = $1 AND status = 'sent'`,
              [id],
            )
          ).rows[0].n,
        );
        return texts().length === sent && sent;
      },
      120_000,
      'Saturday at WAHA',
    );
    expect(saturday).toBeGreaterThanOrEqual(580);
    expect(saturday).toBeLessThanOrEqual(600);
    expect(texts()[0].text).toMatch(/^Olá Cliente \d+, consta em aberto R\$ \d+,\d\d\.$/);

    // Sunday: nothing
    for (const local of ['2026-11-28T20:00:10', '2026-11-29T10:00:00', '2026-11-30T07:59:50']) {
      t.clock.freeze(sp(local));
      await runner.tick();
    }
    expect(
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM collection_campaign_sends WHERE campaign_id = $1 AND status = 'sent'`,
            [id],
          )
        ).rows[0].n,
      ),
    ).toBe(saturday);

    // a worker claimed a send and had its notification stored (it reaches WAHA), then died before recording it
    const [victim] = (
      await db.query(
        `UPDATE collection_campaign_sends SET status = 'sending', claimed_at = $2
         WHERE (campaign_id, debt_id, step) IN (SELECT campaign_id, debt_id, step FROM collection_campaign_sends
           WHERE campaign_id = $1 AND status = 'pending' LIMIT 1) RETURNING debt_id, workspace_id`,
        [id, sp('2026-11-28T19:59:00')],
      )
    ).rows;
    const debtor = (
      await db.query(
        `SELECT p.phone FROM collection_debts d JOIN collection_debtors p ON p.id = d.debtor_id WHERE d.id = $1`,
        [victim.debt_id],
      )
    ).rows[0];
    await t.app
      .get(NotificationsService)
      .sendFor(
        victim.workspace_id,
        { to: { phone: debtor.phone }, channels: ['whatsapp'], content: { body: 'Olá (antes da queda)' } },
        { id: campaignNotificationId(id, victim.debt_id, 0) },
      );
    await waitFor(async () => texts().length === saturday + 1, 30_000, 'the dead worker’s message');

    for (let s = 0; s <= 300; s += 10) {
      t.clock.freeze(new Date(sp('2026-11-30T08:00:00').getTime() + s * 1000));
      await Promise.all([runner.tick(), runner.tick()]);
    }
    const total = await waitFor(
      async () => {
        const sent = Number(
          (
            await db.query(
              `SELECT count(*) AS n FROM collection_campaign_sends WHERE campaign_id = $1 AND status = 'sent'`,
              [id],
            )
          ).rows[0].n,
        );
        return texts().length === sent && sent;
      },
      120_000,
      'Monday at WAHA',
    );
    expect(total - saturday).toBeGreaterThanOrEqual(290);
    expect(total - saturday).toBeLessThanOrEqual(320);
    // counted at the fake: every chat got exactly one message, the victim's too
    const perChat = new Map<string, number>();
    for (const m of texts()) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
    expect(perChat.get(`${debtor.phone.slice(1)}@c.us`)).toBe(1);
    waha.reset();
  }, 400_000);

  it('dialogues through the WAHA webhook and back to the fake: "já paguei" → receipt asked → image → paid_claimed; "para de me mandar mensagem" → opted out, nothing more', async () => {
    const ws = await workspace();
    const hook = await ws.source('waha', { hmacKey: WAHA.hmacKey });
    let seq = 0;
    const debtFor = async (digits: string) => {
      const debt = await ws.post('/v1/collections/debts', {
        externalId: `WD-${digits}`,
        name: 'Joana Lima',
        document: cpf(9000 + ++seq),
        phone: `+${digits}`,
        amountCents: 45000,
        dueDate: '2026-11-10',
      });
      expect(debt.status).toBe(201);
      return debt.body.id as string;
    };
    const inbound = async (digits: string, payload: object) =>
      expect(
        await waha.sendWebhook(hook, 'message', {
          id: `false_${digits}@c.us_${Math.random().toString(16).slice(2).toUpperCase()}`,
          from: `${digits}@c.us`,
          to: '5531933330000@c.us',
          fromMe: false,
          hasMedia: false,
          timestamp: Math.floor(Date.now() / 1000),
          ...payload,
        }),
      ).toBe(200);
    const to = (digits: string) => texts().filter((m) => m.chatId === `${digits}@c.us`);
    const state = async (id: string) => (await ws.get(`/v1/collections/debts/${id}`)).body;

    const paying = '5531988001122';
    const paid = await debtFor(paying);
    await inbound(paying, { body: 'já paguei' });
    await waitFor(async () => to(paying).length === 1, 20_000, 'the receipt request');
    expect(to(paying)[0].text).toMatch(/comprovante/);
    await inbound(paying, {
      body: '',
      hasMedia: true,
      media: { url: 'http://127.0.0.1:1/files/comprovante.jpg', mimetype: 'image/jpeg', filename: null },
      _data: { type: 'image' },
    });
    await waitFor(async () => (await state(paid)).status === 'paid_claimed', 20_000, 'paid_claimed');
    await waitFor(async () => to(paying).length === 2, 20_000, 'the thanks');
    expect(to(paying)[1].text).toMatch(/Recebemos o seu comprovante/);

    const leaving = '5531988003344';
    const stopped = await debtFor(leaving);
    await inbound(leaving, { body: 'para de me mandar mensagem' });
    await waitFor(async () => (await state(stopped)).status === 'opted_out', 20_000, 'opted_out');
    await waitFor(async () => to(leaving).length === 1, 20_000, 'the confirmation');
    await inbound(leaving, { body: 'oi' });
    const oi = await waitFor(
      async () => {
        const r = await db.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'whatsapp.message.received' AND status = 'processed' AND data->>'text' = 'oi'`,
        );
        return r.rows[0].n === 1;
      },
      20_000,
      'the second message handled',
    );
    expect(oi).toBe(true);
    expect(to(leaving)).toHaveLength(1);
  });
});
