import { DataSource } from 'typeorm';
import { EventErasure } from '../../src/events/store/event-erasure';
import { startTestApp, TestApp } from '../support/test-app';

/** LGPD retention: event payloads older than RETENTION_DAYS are anonymised, with the deliveries that copied them. */
describe('event retention', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ env: { RETENTION_DAYS: '30' } });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('anonymises finished events older than RETENTION_DAYS and their delivery payloads; keeps the rest', async () => {
    const [{ id: ws }] = await db.query(`SELECT id FROM workspaces LIMIT 1`);
    const insert = (id: string, daysAgo: number, status: string) =>
      db.query(
        `INSERT INTO events (id, workspace_id, type, status, queue, occurred_at, received_at, data)
         VALUES ($1, $2, 'lead.created', $3, 'events', now() - make_interval(days => $4), now() - make_interval(days => $4), $5)`,
        [id, ws, status, daysAgo, JSON.stringify({ phone: '+5531992953088', name: 'Ana' })],
      );
    await insert('01900000-0000-7000-8000-000000000001', 31, 'processed');
    await insert('01900000-0000-7000-8000-000000000002', 31, 'received'); // not finished: kept for processing
    await insert('01900000-0000-7000-8000-000000000003', 29, 'processed');
    const [{ id: endpoint }] = await db.query(
      `INSERT INTO endpoints (id, workspace_id, name, url, event_types, secret_sealed, enabled)
       VALUES ('01900000-0000-7000-8000-0000000000e1', $1, 'e', 'http://127.0.0.1:9/x', '{*}', 'x', true) RETURNING id`,
      [ws],
    );
    await db.query(
      `INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
       VALUES ('01900000-0000-7000-8000-0000000000d1', $1, $2, '01900000-0000-7000-8000-000000000001', 'lead.created', $3, 'succeeded', now(), now())`,
      [
        ws,
        endpoint,
        JSON.stringify({ type: 'lead.created', timestamp: 'x', data: { phone: '+5531992953088' } }),
      ],
    );

    expect(await t.app.get(EventErasure).anonymiseOld()).toEqual({ anonymised: 1 });
    const rows: Array<{ id: string; data: unknown }> = await db.query(
      `SELECT id, data FROM events ORDER BY id`,
    );
    expect(rows.map((r) => r.data)).toEqual([
      { anonymised: true },
      { phone: '+5531992953088', name: 'Ana' },
      { phone: '+5531992953088', name: 'Ana' },
    ]);
    const [delivery] = await db.query(`SELECT payload FROM deliveries`);
    expect(delivery.payload).toEqual({ type: 'lead.created', timestamp: 'x', data: { erased: true } });
    expect(await t.app.get(EventErasure).anonymiseOld()).toEqual({ anonymised: 0 });
  });
});
