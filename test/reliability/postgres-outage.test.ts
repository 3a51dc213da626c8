import { Client } from 'pg';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { cloneTemplate, TEST_SERVER_URL } from '../support/databases';
import { waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';

const MESSAGES = 'whatsapp.message.received';
const META = { accessToken: 'EAAG-outage-token', phoneNumberId: '106540352242922', appSecret: 's' };
/** Which table holds the row a job of each queue works on, and the job data field naming it. */
const ROW_OF: Partial<Record<QueueName, { table: string; field: string; failed: string[] }>> = {
  [QueueName.EventsHigh]: { table: 'events', field: 'eventId', failed: ['failed', 'dead'] },
  [QueueName.Events]: { table: 'events', field: 'eventId', failed: ['failed', 'dead'] },
  [QueueName.Retry]: { table: 'events', field: 'eventId', failed: ['failed', 'dead'] },
  [QueueName.Deliveries]: { table: 'deliveries', field: 'deliveryId', failed: ['failed', 'dead'] },
  [QueueName.Notifications]: { table: 'notifications', field: 'notificationId', failed: ['failed'] },
  [QueueName.Workflows]: { table: 'workflow_executions', field: 'executionId', failed: ['failed'] },
};

/**
 * The app reaches PostgreSQL through a proxy the test cuts: a fast restart (all connections
 * dropped, refused for 0.4 s), then a 20 s stop, under webhook and API load, with a notification
 * and a workflow delay coming due during the stop. Acknowledged work must all be done, once.
 */
describe('PostgreSQL restarted and stopped for 20 s under load: acknowledged work is done once', () => {
  const upstream = new URL(TEST_SERVER_URL);
  const proxy = new TcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  const receiver = new FakeWebhookReceiver();
  const meta = new FakeMetaGraph(META);
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let direct: Client;
  let t: TestApp;
  /** The load runs while this is true (a failed test must not leave it running). */
  let loading = false;
  const post = (path: string, body: object) => t.http().post(path).set(t.auth()).send(body);
  // The operations token, not an API key: /health/detailed must answer while PostgreSQL is down.
  const METRICS_TOKEN = 'outage-metrics-token-0123456789';
  const detailed = () => t.http().get('/health/detailed').set(t.auth(METRICS_TOKEN));

  beforeAll(async () => {
    db = await cloneTemplate();
    await Promise.all([proxy.start(), receiver.start(), meta.start()]);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    t = await startTestApp({
      databaseUrl: viaProxy.toString(),
      env: {
        OUTBOX_RELAY_INTERVAL_MS: '1000',
        RATE_LIMIT_PER_MINUTE: '1000000',
        DATABASE_POOL_SIZE: '10',
        EVENT_RETRY_SCHEDULE: '0,1s,2s,4s',
        DELIVERY_RETRY_SCHEDULE: '0,1s,2s,4s',
        METRICS_TOKEN,
      },
    });
    direct = new Client({ connectionString: db.url });
    await direct.connect();
  }, 60_000);

  afterAll(async () => {
    loading = false;
    if (!proxy.listening) await proxy.start();
    await t?.close();
    await direct?.end();
    await Promise.all([proxy.stop(), receiver.stop(), meta.stop()]);
    await db?.drop();
  });

  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await direct.query(sql, params)).rows as T[];

  it('every acknowledged event processed once, every delivery sent once, the notification and the timer fired', async () => {
    const source = await post('/v1/sources', {
      name: 'm',
      slug: 'meta',
      kind: 'meta',
      config: { appSecret: META.appSecret, verifyToken: 'v' },
    });
    expect(source.status).toBe(201);
    const endpoint = await post('/v1/endpoints', {
      name: 'all',
      url: `${receiver.url}/hooks/all`,
      eventTypes: [MESSAGES, 'order.paid'],
    });
    const wfEndpoint = await post('/v1/endpoints', {
      name: 'wf',
      url: `${receiver.url}/hooks/wf`,
      eventTypes: ['wf.unused'],
    });
    receiver.trust(endpoint.body.secret, wfEndpoint.body.secret);
    const provider = await post('/v1/providers', {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      priority: 1,
      config: {
        accessToken: META.accessToken,
        phoneNumberId: META.phoneNumberId,
        apiVersion: 'v23.0',
        baseUrl: meta.url,
      },
    });
    expect(provider.status).toBe(201);
    const wf = await post('/v1/workflows', {
      key: 'call-wait-call',
      name: 'Call, wait, call',
      trigger: { event: 'job.done' },
      steps: [
        { id: 'first', type: 'webhook', endpointId: wfEndpoint.body.id, body: '{"step": "first"}' },
        { id: 'wait', type: 'delay', duration: 'PT9S' },
        { id: 'second', type: 'webhook', endpointId: wfEndpoint.body.id, body: '{"step": "second"}' },
      ],
    });
    expect(wf.status).toBe(201);
    const wfHits = (step: string) =>
      receiver.deliveries().filter((d) => d.path === '/hooks/wf' && d.body?.data?.step === step);

    // Load: webhooks and API events, acknowledged or refused, for the whole run.
    const ackedWebhooks: string[] = [];
    const ackedEvents: string[] = [];
    const refusals = new Map<number, number>();
    loading = true;
    let n = 0;
    const webhooks = async () => {
      while (loading) {
        const id = `wamid.PG-${n++}`;
        const body = metaTextMessage({ id });
        const res = await t
          .http()
          .post('/webhooks/meta')
          .set({ 'content-type': 'application/json', 'x-hub-signature-256': sign.meta(META.appSecret, body) })
          .send(body);
        if (res.status === 200) ackedWebhooks.push(id);
        else refusals.set(res.status, (refusals.get(res.status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 30));
      }
    };
    const apiEvents = async () => {
      while (loading) {
        const res = await post('/v1/events', { type: 'order.paid', data: { n: n++ } });
        if (res.status === 202) ackedEvents.push(res.body.id);
        else refusals.set(res.status, (refusals.get(res.status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // ~100 webhooks/s on an idle machine: load, while leaving the shared server to the other files
    const load = Promise.all([...Array.from({ length: 6 }, webhooks), apiEvents(), apiEvents()]);

    // Due during the stop below: a workflow timer and a scheduled notification.
    expect((await post('/v1/events', { type: 'job.done', data: {} })).status).toBe(202);
    await waitFor(async () => wfHits('first').length > 0, 30_000, 'the first workflow call');
    const phone = '+5531988887777';
    const notification = await post('/v1/notifications', {
      to: { phone },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'Ana', businessName: 'Clínica' },
      sendAt: new Date(Date.now() + 8000).toISOString(),
    });
    expect(notification.status).toBe(202);

    await new Promise((r) => setTimeout(r, 2000));
    await proxy.restart(400); // every connection dropped at once
    await new Promise((r) => setTimeout(r, 2000));
    await proxy.stop();
    // readiness says so, and the workers stop taking jobs
    await waitFor(async () => (await t.http().get('/health/ready')).status === 503, 10_000, 'readiness 503');
    await waitFor(async () => (await detailed()).body.workers?.paused === true, 10_000, 'workers paused');
    await new Promise((r) => setTimeout(r, 20_000));
    // jobs taken while PostgreSQL was unreachable were put back, none failed
    const failedDuringOutage = await Promise.all(
      Object.keys(ROW_OF).map((q) =>
        t.app
          .get(JobQueue)
          .queue(q as QueueName)
          .getFailedCount(),
      ),
    );
    expect(failedDuringOutage.every((count) => count === 0)).toBe(true);
    await proxy.start();
    await waitFor(async () => (await detailed()).body.workers?.paused === false, 30_000, 'workers resumed');
    await new Promise((r) => setTimeout(r, 2000));
    loading = false;
    await load;
    expect(ackedWebhooks.length).toBeGreaterThan(50);
    // what was refused was refused as unavailable, never as an error
    expect([...refusals.keys()]).toEqual([503]);
    expect(refusals.get(503) ?? 0).toBeGreaterThan(0);

    // Everything acknowledged is processed, and every delivery succeeded.
    const pendingEvents = async () =>
      (
        await rows<{ n: string }>(
          `SELECT count(*) AS n FROM events WHERE status <> 'processed' AND type IN ($1, 'order.paid')`,
          [MESSAGES],
        )
      )[0].n;
    await waitFor(async () => (await pendingEvents()) === '0', 120_000, 'every event processed');
    const deliveriesNotDone = async () =>
      (await rows<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE status <> 'succeeded'`))[0].n;
    await waitFor(async () => (await deliveriesNotDone()) === '0', 120_000, 'every delivery succeeded');

    const events = await rows<{
      id: string;
      wamid: string | null;
      type: string;
      log: Array<{ outcome: string }>;
    }>(
      `SELECT id, type, substring(data::text from 'wamid\\.PG-[0-9]+') AS wamid, attempt_log AS log
       FROM events WHERE type IN ($1, 'order.paid')`,
      [MESSAGES],
    );
    const byWamid = new Map(events.filter((e) => e.wamid).map((e) => [e.wamid, e]));
    const ids = new Set(events.map((e) => e.id));
    expect(ackedWebhooks.filter((w) => !byWamid.has(w))).toEqual([]);
    expect(ackedEvents.filter((id) => !ids.has(id))).toEqual([]);
    // processed exactly once to completion
    expect(events.filter((e) => e.log.filter((a) => a.outcome === 'processed').length !== 1)).toEqual([]);

    // each event's delivery arrived, once
    const deliveries = await rows<{ id: string }>(
      `SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.endpoint_id = $1`,
      [endpoint.body.id],
    );
    expect(deliveries).toHaveLength(events.length);
    const arrivals = new Map<string, number>();
    for (const d of receiver.deliveries())
      if (d.verified && d.webhookId) arrivals.set(d.webhookId, (arrivals.get(d.webhookId) ?? 0) + 1);
    expect(deliveries.filter((d) => arrivals.get(`msg_${d.id}`) !== 1)).toEqual([]);

    // the timer that came due during the stop fired once, and the execution finished
    await waitFor(
      async () =>
        (await rows<{ status: string }>(`SELECT status FROM workflow_executions`))[0]?.status === 'succeeded',
      60_000,
      'the execution succeeded',
    );
    expect(new Set(wfHits('first').map((d) => d.webhookId)).size).toBe(1);
    expect(wfHits('second')).toHaveLength(1);

    // the notification that came due during the stop was sent, once
    await waitFor(
      async () =>
        ['sent', 'delivered'].includes(
          (await t.http().get(`/v1/notifications/${notification.body.id}`).set(t.auth())).body.status,
        ),
      60_000,
      'the notification sent',
    );
    expect(meta.sentMessages().filter((m) => m.to === phone.slice(1))).toHaveLength(1);

    // No job in a failed set that the database does not know as failed.
    const jobs = t.app.get(JobQueue);
    const unknownFailures: object[] = [];
    for (const [queue, row] of Object.entries(ROW_OF)) {
      for (const job of await jobs.queue(queue as QueueName).getFailed(0, -1)) {
        const [stored] = await rows<{ status: string }>(`SELECT status FROM ${row.table} WHERE id = $1`, [
          (job.data as Record<string, string>)[row.field],
        ]);
        if (!row.failed.includes(stored?.status))
          unknownFailures.push({ queue, job: job.id, row: stored?.status });
      }
    }
    expect(unknownFailures).toEqual([]);
    // and nothing is counted as stuck
    const details = (await detailed()).body;
    expect(Object.keys(details.stuckWork)).toEqual(
      expect.arrayContaining(['events', 'deliveries', 'notifications']),
    );
    // every module's count (each declares its own @StuckWork), all zero
    expect(Object.entries(details.stuckWork as Record<string, number>).filter(([, n]) => n !== 0)).toEqual(
      [],
    );
  }, 300_000);
});
