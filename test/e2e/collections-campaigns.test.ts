import { Client } from 'pg';
import { CampaignRunner } from '../../src/collections/campaigns/campaign-runner';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

function cpf(n: number): string {
  const body = String(200000000 + n).slice(-9);
  const dv = (digits: string, start: number) => {
    const r = [...digits].reduce((s, d, i) => s + Number(d) * (start - i), 0) % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = dv(body, 10);
  return body + d1 + dv(body + d1, 11);
}

/** Local São Paulo wall time (UTC−3) as an instant. */
const sp = (local: string) => new Date(`${local}-03:00`);

describe('collections campaigns: window, rate, holidays and one message per debt per step (clock controlled)', () => {
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

  const sentCount = async (campaignId: string) =>
    Number(
      (
        await db.query(
          `SELECT count(*) AS n FROM collection_campaign_sends WHERE campaign_id = $1 AND status = 'sent'`,
          [campaignId],
        )
      ).rows[0].n,
    );

  it('1,000 debts at 60/min from Saturday 19:50: stops at 20:00, nothing on Sunday, resumes Monday 08:00; concurrent and restarted runners send no debt twice', async () => {
    const ws = await workspaceHarness(t);
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `K-${i}`,
      name: `Cliente ${i}`,
      document: cpf(i),
      phone: `3198${String(1000000 + i).slice(-7)}`,
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
      name: 'Novembro',
      template: 'Olá {{ name }}, consta em aberto {{ amount }} (vencimento {{ dueDate }}).',
      ratePerMinute: 60,
      followUps: [{ after: 'P3D', template: 'Oi {{ name }}, conseguiu ver?' }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await ws.post(`/v1/collections/campaigns/${id}/start`, {})).body.status).toBe('running');
    const runner = t.app.get(CampaignRunner);

    // every 10 s from 19:50:00 to 20:00:00, two runners at once each time
    for (let s = 0; s <= 600; s += 10) {
      t.clock.freeze(new Date(sp('2026-11-28T19:50:00').getTime() + s * 1000));
      await Promise.all([runner.tick(), runner.tick()]);
    }
    const saturday = await sentCount(id);
    expect(saturday).toBeGreaterThanOrEqual(580);
    expect(saturday).toBeLessThanOrEqual(600);

    // the rest of Saturday night and all of Sunday: nothing
    for (const local of [
      '2026-11-28T20:00:10',
      '2026-11-28T23:00:00',
      '2026-11-29T09:00:00',
      '2026-11-29T15:00:00',
      '2026-11-30T07:59:50',
    ]) {
      t.clock.freeze(sp(local));
      await runner.tick();
    }
    expect(await sentCount(id)).toBe(saturday);

    // a worker died after claiming one send and asking for its notification, before recording it
    const [victim] = (
      await db.query(
        `UPDATE collection_campaign_sends SET status = 'sending', claimed_at = $2
         WHERE (campaign_id, debt_id, step) IN (SELECT campaign_id, debt_id, step FROM collection_campaign_sends
           WHERE campaign_id = $1 AND status = 'pending' LIMIT 1) RETURNING debt_id`,
        [id, sp('2026-11-28T19:59:00')],
      )
    ).rows;

    // Monday from 08:00 for five minutes
    for (let s = 0; s <= 300; s += 10) {
      t.clock.freeze(new Date(sp('2026-11-30T08:00:00').getTime() + s * 1000));
      await Promise.all([runner.tick(), runner.tick()]);
    }
    const monday = (await sentCount(id)) - saturday;
    expect(monday).toBeGreaterThanOrEqual(290);
    expect(monday).toBeLessThanOrEqual(320);
    const victimRow = await db.query(
      `SELECT status FROM collection_campaign_sends WHERE campaign_id = $1 AND debt_id = $2 AND step = 0`,
      [id, victim.debt_id],
    );
    expect(victimRow.rows[0].status).toBe('sent');

    // exactly one notification per sent step, none twice
    const notes = await db.query(
      `SELECT count(*) AS n, count(DISTINCT to_contact_id) AS contacts FROM notifications WHERE workspace_id = (SELECT workspace_id FROM collection_campaigns WHERE id = $1)`,
      [id],
    );
    expect(Number(notes.rows[0].n)).toBe(saturday + monday);
    expect(Number(notes.rows[0].contacts)).toBe(saturday + monday);
    // follow-ups are scheduled three days after each first message
    const followUps = await db.query(
      `SELECT count(*) AS n FROM collection_campaign_sends WHERE campaign_id = $1 AND step = 1`,
      [id],
    );
    expect(Number(followUps.rows[0].n)).toBe(saturday + monday);

    const stats = (await ws.get(`/v1/collections/campaigns/${id}/stats`)).body;
    expect(stats).toMatchObject({ targeted: 1000, sent: saturday + monday, paid: 0, optedOut: 0 });

    // pause stops sending; cancel is final
    expect((await ws.post(`/v1/collections/campaigns/${id}/pause`, {})).body.status).toBe('paused');
    t.clock.freeze(sp('2026-11-30T09:00:00'));
    await runner.tick();
    expect(await sentCount(id)).toBe(saturday + monday);
    expect((await ws.post(`/v1/collections/campaigns/${id}/cancel`, {})).body.status).toBe('cancelled');
    expect((await ws.post(`/v1/collections/campaigns/${id}/resume`, {})).body).toMatchObject({
      status: 409,
      code: 'CAMPAIGN_STATE',
    });
  }, 300_000); // a thousand debts through the real send path: minutes on a loaded CI machine

  it('a transient failure of the send (a deadlock in the notifications insert) puts the step back: sent later, once', async () => {
    const ws = await workspaceHarness(t);
    const phone = (i: number) => `+553197${String(7000000 + i).slice(-7)}`;
    const rows = Array.from({ length: 12 }, (_, i) => ({
      externalId: `T-${i}`,
      name: `Cliente ${i}`,
      document: cpf(5000 + i),
      phone: phone(i),
      amountCents: 5000,
      dueDate: '2026-11-10',
    }));
    const imp = await ws.post('/v1/collections/debtors/import', rows);
    await waitFor(
      async () => (await ws.get(`/v1/collections/imports/${imp.body.id}`)).body.status === 'completed',
      60_000,
      'import',
    );
    // PostgreSQL refuses the notifications of four phones with a deadlock while the flag is up
    await db.query(`CREATE TABLE IF NOT EXISTS test_failing_phones (phone text PRIMARY KEY)`);
    await db.query(`CREATE OR REPLACE FUNCTION test_fail_notification() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_failing_phones WHERE phone = NEW.to_phone) THEN
          RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db.query(`DROP TRIGGER IF EXISTS test_fail_notification ON notifications`);
    await db.query(
      `CREATE TRIGGER test_fail_notification BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION test_fail_notification()`,
    );
    await db.query(`INSERT INTO test_failing_phones SELECT unnest($1::text[])`, [[0, 1, 2, 3].map(phone)]);
    try {
      t.clock.freeze(sp('2026-12-01T10:00:00')); // a Tuesday
      const created = await ws.post('/v1/collections/campaigns', {
        name: 'Transient',
        template: 'Olá {{ name }}',
        ratePerMinute: 600,
      });
      const id = created.body.id as string;
      await ws.post(`/v1/collections/campaigns/${id}/start`, {});
      const runner = t.app.get(CampaignRunner);
      for (let s = 10; s <= 60; s += 10) {
        t.clock.freeze(new Date(sp('2026-12-01T10:00:00').getTime() + s * 1000));
        await runner.tick();
      }
      const byStatus = async () =>
        Object.fromEntries(
          (
            await db.query(
              `SELECT status, count(*)::int AS n FROM collection_campaign_sends WHERE campaign_id = $1 GROUP BY status`,
              [id],
            )
          ).rows.map((r) => [r.status, r.n]),
        );
      // the eight others were sent; the four failing ones wait, none skipped
      expect(await byStatus()).toEqual({ sent: 8, pending: 4 });

      await db.query(`DELETE FROM test_failing_phones`);
      for (let s = 70; s <= 120; s += 10) {
        t.clock.freeze(new Date(sp('2026-12-01T10:00:00').getTime() + s * 1000));
        await Promise.all([runner.tick(), runner.tick()]);
      }
      expect(await byStatus()).toEqual({ sent: 12 });
      const notes = await db.query(
        `SELECT to_phone, count(*)::int AS n FROM notifications WHERE workspace_id = (SELECT workspace_id FROM collection_campaigns WHERE id = $1) GROUP BY to_phone`,
        [id],
      );
      expect(notes.rows).toHaveLength(12);
      expect(notes.rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS test_fail_notification ON notifications`);
    }
  }, 180_000);

  it('invalid campaigns are 4xx: bad filter, unknown zone, bad follow-up duration', async () => {
    const ws = await workspaceHarness(t);
    const base = { name: 'x', template: 'oi', ratePerMinute: 10 };
    expect((await ws.post('/v1/collections/campaigns', { ...base, filter: 'debt.(' })).body).toMatchObject({
      status: 422,
      code: 'CAMPAIGN_INVALID',
    });
    expect(
      (
        await ws.post('/v1/collections/campaigns', {
          ...base,
          schedule: { days: [1], from: '08:00', to: '20:00', timeZone: 'Mars/Base' },
        })
      ).body,
    ).toMatchObject({ status: 422, code: 'CAMPAIGN_INVALID' });
    expect(
      (
        await ws.post('/v1/collections/campaigns', {
          ...base,
          followUps: [{ after: '3 days', template: 'x' }],
        })
      ).body,
    ).toMatchObject({
      status: 422,
    });
    expect((await ws.post('/v1/collections/campaigns', { ...base, ratePerMinute: 0 })).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });
});
