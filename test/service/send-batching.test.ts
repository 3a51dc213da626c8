import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { NotificationLedger } from '../../src/notifications/sending/notification-ledger';
import { sandboxAccount } from '../../src/notifications/sending/notification-routes';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import type { Notification } from '../../src/notifications/sending/notification.entity';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

const COUNT = 40;

/**
 * The send stage's bookkeeping for many jobs at once (NotificationLedger): concurrent loads,
 * claims and sends become a few multi-row statements, and each caller still gets its own answer —
 * one claim of a notification wins, however many jobs ask in the same batch.
 */
describe('send stage batched across concurrent jobs (service tier)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('claims and marks many notifications in a few statements, one winner per notification', async () => {
    const { ws, caller } = await newWorkspaceCaller(t, 'batch');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString(); // no worker takes them meanwhile
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const accepted = await t.app.get(NotificationsService).send(caller, {
        to: { phone: `+55319${String(50000000 + i)}` },
        channels: ['whatsapp'],
        content: { body: `Olá ${i}` },
        sendAt: tomorrow,
      } as never);
      ids.push(accepted.id);
    }
    const ledger = t.app.get(NotificationLedger);
    const query = jest.spyOn(t.app.get(DataSource), 'query');
    const statements = (marker: string) =>
      query.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.includes(marker)).length;
    try {
      const loaded = (await Promise.all(ids.map((id) => ledger.load(id)))) as Notification[];
      expect(loaded.map((n) => n.status)).toEqual(ids.map(() => 'scheduled'));

      const route = { channel: 'whatsapp' as const, account: sandboxAccount(ws.id), key: 'whatsapp:sandbox' };
      // every notification claimed by one job, the first ten by a second job too (same count read)
      const claims = [...loaded, ...loaded.slice(0, 10)].map((n) => ({ n, attemptId: uuidv7() }));
      const won = await Promise.all(claims.map((c) => ledger.claim(c.n, route, c.attemptId)));
      for (const id of ids) {
        const winners = claims.filter((c, i) => c.n.id === id && won[i] !== null);
        expect(winners).toHaveLength(1);
      }
      expect(statements('INSERT INTO notification_attempts')).toBeLessThanOrEqual(5);

      const winners = claims.filter((_, i) => won[i] !== null);
      await Promise.all(winners.map((c) => ledger.markSent(c.attemptId, 1, `wamid.${c.n.id}`, 12)));
      expect(statements(`UPDATE notification_attempts t SET status = 'sent'`)).toBeLessThanOrEqual(5);
    } finally {
      query.mockRestore();
    }

    const rows: Array<{ status: string; attempts: number; sent: string }> = await t.app.get(DataSource).query(
      `SELECT n.status, n.attempts, count(a.*) FILTER (WHERE a.status = 'sent') AS sent
       FROM notifications n JOIN notification_attempts a ON a.notification_id = n.id
       WHERE n.id = ANY($1) GROUP BY n.id`,
      [ids],
    );
    expect(rows).toHaveLength(COUNT);
    expect(rows.filter((r) => r.status !== 'sent' || r.attempts !== 1 || r.sent !== '1')).toEqual([]);
    // the `sending` entry is derived from the attempt row, in its place
    const view = await t.app.get(NotificationsService).get(caller, ids[0]);
    expect(view.timeline.map((e) => e.status)).toEqual(['scheduled', 'sending', 'sent']);
    expect(view.timeline[1]).toMatchObject({ attempt: 1, detail: 'whatsapp via sandbox' });
  });
});
