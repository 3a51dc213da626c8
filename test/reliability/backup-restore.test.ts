import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/private-redis';
import { sign } from '../support/signers';
import { startTestApp, TestApp } from '../support/test-app';

/** Records the POSTs each path receives, with their arrival time. */
class Receiver {
  readonly hits: Array<{ path: string; at: number }> = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.hits.push({ path: req.url ?? '', at: Date.now() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string, after = 0): number {
    return this.hits.filter((h) => h.path === path && h.at > after).length;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }
}

/**
 * The restore of a backup taken before 1,000 new events, on the test file's own database: the
 * 1,000 are gone, what was there before is back (events, deliveries, a workflow waiting on a
 * delay, which then fires), and a webhook posted during the restore is refused with 503 +
 * Retry-After and accepted when its sender retries.
 */
describe('restore of a backup into the live database', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    await receiver.start();
    dir = mkdtempSync(join(tmpdir(), 'ponte-restore-'));
    t = await startTestApp({
      env: {
        BACKUP_DIR: dir,
        BACKUP_ENCRYPTION_KEY: 'restore-test-key-0123456789',
        RATE_LIMIT_PER_MINUTE: '1000000',
        OUTBOX_RELAY_INTERVAL_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: object) => t.http().post(path).set(t.auth()).send(body);
  const get = (path: string) => t.http().get(path).set(t.auth());
  const eventsOf = async (type: string) => {
    const ids: string[] = [];
    for (let cursor = ''; ;) {
      const res = await get(`/v1/events?type=${type}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...(res.body.data as Array<{ id: string }>).map((e) => e.id));
      if (!res.body.nextCursor) return ids;
      cursor = res.body.nextCursor;
    }
  };

  it('1,000 events after the backup are gone; earlier events, deliveries and a delayed step are back and fire; webhooks meanwhile get 503 and are re-sent', async () => {
    // Before the backup: deliveries of three events, and a workflow waiting on a 20-second delay.
    const endpoint = await post('/v1/endpoints', {
      name: 'erp',
      url: `${receiver.url}/orders`,
      eventTypes: ['order.*'],
    });
    expect(endpoint.status).toBe(201);
    const wf = await post('/v1/workflows', {
      key: 'visit-follow-up',
      name: 'Wait, then call',
      trigger: { event: 'visit.done' },
      steps: [
        { id: 'wait', type: 'delay', duration: 'PT20S' },
        { id: 'call', type: 'webhook', url: `${receiver.url}/later` },
      ],
    });
    expect(wf.status).toBe(201);
    const source = await post('/v1/sources', { name: 'site', kind: 'standard', config: {} });
    expect(source.status).toBe(201);
    const slug = new URL(source.body.url as string).pathname.split('/').pop()!;
    const secret = source.body.secret as string;

    const orders: string[] = [];
    for (let i = 0; i < 3; i++)
      orders.push((await post('/v1/events', { type: 'order.created', data: { i } })).body.id);
    await waitFor(async () => receiver.count('/orders') === 3, 30_000, 'three deliveries');
    expect((await post('/v1/events', { type: 'visit.done', data: { visit: 1 } })).status).toBe(202);
    const executions = () => get(`/v1/workflows/${wf.body.id}/executions`).then((r) => r.body.data);
    await waitFor(async () => (await executions())[0]?.status === 'waiting', 30_000, 'execution waiting');
    const executionId = (await executions())[0].id as string;

    const created = await post('/v1/backups', {});
    const backup = await waitFor(
      async () => {
        const b = (await get(`/v1/backups/${created.body.id}`)).body;
        return b.status !== 'running' && b;
      },
      60_000,
      'backup',
    );
    expect(backup.status).toBe('completed');

    // After the backup: 1,000 new events (10 at a time).
    for (let i = 0; i < 1000; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          post('/v1/events', { type: 'noise.created', data: { n: i + k } }),
        ),
      );
      expect(batch.every((r) => r.status === 202)).toBe(true);
    }
    expect((await eventsOf('noise.created')).length).toBe(1000);

    // The restore, and a webhook posted while it runs.
    const database = new URL(t.databaseUrl).pathname.slice(1);
    const restoring = post(`/v1/backups/${backup.id}/restore`, { confirm: database }).then((r) => r);
    await waitFor(
      async () => {
        const ready = await t.http().get('/health/ready');
        return ready.status === 503 && ready.body.code === 'MAINTENANCE';
      },
      30_000,
      'maintenance',
    );
    const body = JSON.stringify({
      type: 'lead.created',
      timestamp: new Date().toISOString(),
      data: { name: 'Ana' },
    });
    const headers = { 'content-type': 'application/json', ...sign.standard(secret, body) };
    const during = await t.http().post(`/webhooks/${slug}`).set(headers).send(body);
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('MAINTENANCE');
    expect(Number(during.headers['retry-after'])).toBeGreaterThan(0);
    const api = await get('/v1/events');
    expect(api.status).toBe(503);

    const restored = await restoring;
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ backupId: backup.id, database, migrationsRun: [] });
    const restoredAt = Date.now();
    expect((await t.http().get('/health/ready')).status).toBe(200);

    // The sender retries (Standard Webhooks senders re-send on any non-2xx): accepted now.
    const retried = await t
      .http()
      .post(`/webhooks/${slug}`)
      .set({ ...headers, ...sign.standard(secret, body, new Date(), headers['webhook-id']) })
      .send(body);
    expect(retried.status).toBe(200);
    await waitFor(async () => (await eventsOf('lead.created')).length === 1, 15_000, 'the re-sent webhook');

    // The 1,000 are gone; what was there before is back.
    expect(await eventsOf('noise.created')).toEqual([]);
    expect((await eventsOf('order.created')).sort()).toEqual(orders.sort());
    expect((await eventsOf('visit.done')).length).toBe(1);
    const deliveries = await get(`/v1/endpoints/${endpoint.body.id}/deliveries`);
    expect(deliveries.body.data.map((d: { status: string }) => d.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const catalogue = await get(`/v1/backups/${backup.id}`);
    expect(catalogue.body.restoredAt).not.toBeNull();

    // The workflow that waited at backup time is back and its delayed step fires, once.
    const execution = (await get(`/v1/executions/${executionId}`)).body;
    expect(['waiting', 'running', 'succeeded']).toContain(execution.status);
    await waitFor(async () => receiver.count('/later', restoredAt) === 1, 60_000, 'the delayed step').catch(
      async (err: Error) => {
        // what an operator would look at: the execution, the workers and the hits so far
        const seen = {
          execution: (await get(`/v1/executions/${executionId}`)).body,
          health: (await get('/health/detailed')).body,
          later: receiver.hits.filter((h) => h.path === '/later').map((h) => h.at - restoredAt),
        };
        throw new Error(`${err.message}\n${JSON.stringify(seen, null, 1).slice(0, 4000)}`);
      },
    );
    await waitFor(
      async () => (await get(`/v1/executions/${executionId}`)).body.status === 'succeeded',
      15_000,
      'execution succeeded',
    );
    await new Promise((r) => setTimeout(r, 2500)); // relay ticks: nothing more
    expect(receiver.count('/later', restoredAt)).toBe(1);
    // Deliveries already made before the backup are not made again.
    expect(receiver.count('/orders')).toBe(3);
  }, 180_000);
});
