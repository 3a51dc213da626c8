import { SyncRunner } from '../../src/accounting/sync-jobs/sync-runner';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { SYNC_QUEUE } from '../../src/accounting/accounting.queue';
import { FakeOmie } from '../fakes/omie';
import { FakeRestErp } from '../fakes/rest-erp';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

/** Sync jobs between systems: pages, mapping, hashed upserts, counts, schedules, targets. */
describe('sync jobs', () => {
  let t: TestApp;
  const source = new FakeRestErp('src-token');
  const target = new FakeRestErp('dst-token');
  const omie = new FakeOmie({ appKey: 'k', appSecret: 's' });
  let ws: Awaited<ReturnType<typeof workspaceHarness>>;

  const endpointJob = (extra: object = {}) => ({
    name: 'CRM → operations',
    source: {
      kind: 'endpoint',
      url: `${source.url}/records`,
      headers: { Authorization: 'Bearer src-token' },
      pageSize: 100,
    },
    target: {
      kind: 'endpoint',
      url: `${target.url}/customers/{key}`,
      headers: { Authorization: 'Bearer dst-token' },
    },
    mapping: '{"name": name, "email": email}',
    ...extra,
  });
  const finished = (jobId: string, runId: string) =>
    waitFor(
      async () => {
        const job = (await ws.get(`/v1/sync/jobs/${jobId}`)).body;
        const run = job.runs?.find((r: { id: string }) => r.id === runId);
        return run && run.status !== 'running' && run;
      },
      30_000,
      `run ${runId}`,
    );
  const run = async (jobId: string) => {
    const started = await ws.post(`/v1/sync/jobs/${jobId}/start`, {});
    expect(started.status).toBe(202);
    return finished(jobId, started.body.id);
  };

  beforeAll(async () => {
    await Promise.all([source.start(), target.start(), omie.start()]);
    t = await startTestApp({
      env: {
        SYNC_JOB_RETRY_SCHEDULE: '0,200ms,200ms',
        RATE_LIMIT_PER_MINUTE: '100000',
        OMIE_BASE_URL: `${omie.url}/api/v1`,
      },
    });
    ws = await workspaceHarness(t);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([source.stop(), target.stop(), omie.stop()]);
  });
  beforeEach(() => {
    source.reset();
    target.reset();
  });

  it('reads every page, upserts each record once, counts; a second run writes only what changed', async () => {
    source.seed(250);
    const job = await ws.post('/v1/sync/jobs', endpointJob());
    expect(job.status).toBe(201);
    expect(job.body.source.headers.Authorization).toMatch(/^••••/);
    expect(JSON.stringify(job.body)).not.toContain('src-token');

    const first = await run(job.body.id);
    expect(first).toMatchObject({
      status: 'succeeded',
      pages: 3,
      read: 250,
      created: 250,
      updated: 0,
      unchanged: 0,
      failed: 0,
    });
    expect(target.customers.size).toBe(250);
    expect(target.duplicates()).toEqual([]);
    expect(target.customers.get('r00042')).toMatchObject({
      name: 'Cliente 42',
      email: 'cliente42@example.com',
    });
    // Every write carried an idempotency key: the target could tell a replay.
    expect(target.requests({ method: 'PUT' }).every((r) => r.headers['idempotency-key'])).toBe(true);

    source.records[6].name = 'Cliente sete';
    const puts = target.requests({ method: 'PUT' }).length;
    const second = await run(job.body.id);
    expect(second).toMatchObject({
      status: 'succeeded',
      read: 250,
      created: 0,
      updated: 1,
      unchanged: 249,
      failed: 0,
    });
    expect(target.requests({ method: 'PUT' }).length).toBe(puts + 1);
    expect(target.customers.get('r00007')!.name).toBe('Cliente sete');
  });

  it('records the failures with their keys; a failed record is written by the next run', async () => {
    source.seed(30);
    const job = (await ws.post('/v1/sync/jobs', endpointJob())).body;
    const stop = target.failWhen((r) => r.path.endsWith('/r00003'), {
      status: 422,
      body: { error: 'name is required' },
    });
    const first = await run(job.id);
    expect(first).toMatchObject({ read: 30, created: 29, failed: 1 });
    expect(first.failures).toEqual([
      expect.objectContaining({ key: 'r00003', error: expect.stringMatching(/HTTP 422/) }),
    ]);
    stop();
    const second = await run(job.id);
    expect(second).toMatchObject({ created: 1, unchanged: 29, failed: 0 });
  });

  it('one run at a time (409); a source read that fails is retried on the schedule', async () => {
    source.seed(10);
    const job = (await ws.post('/v1/sync/jobs', endpointJob())).body;
    source.failNext(2, { status: 503, body: { error: 'busy' }, delayMs: 300 });
    const started = await ws.post(`/v1/sync/jobs/${job.id}/start`, {});
    const again = await ws.post(`/v1/sync/jobs/${job.id}/start`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SYNC_RUN_IN_PROGRESS');
    const done = await finished(job.id, started.body.id);
    expect(done).toMatchObject({ status: 'succeeded', created: 10 });
    expect(source.requests({ path: '/records' })).toHaveLength(3);
  });

  it('refuses a bad definition with field errors', async () => {
    const bad = await ws.post('/v1/sync/jobs', {
      ...endpointJob({ mapping: '{"name": ' }),
      target: {
        kind: 'connection',
        connectionId: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
        entityType: 'customer',
      },
      schedule: { cron: 'every hour' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('SYNC_JOB_INVALID');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'mapping',
      'schedule.cron',
    ]);
    const unknown = await ws.post('/v1/sync/jobs', {
      ...endpointJob(),
      target: {
        kind: 'connection',
        connectionId: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
        entityType: 'customer',
      },
    });
    expect(unknown.body.errors).toEqual([{ field: 'target.connectionId', message: 'unknown connection' }]);
  });

  it('templates give the four schedules; a scheduled job has its job scheduler and its tick starts a run', async () => {
    const templates = (await ws.get('/v1/sync/templates')).body;
    expect(
      templates.map((x: { key: string; schedule: { cron: string } }) => [x.key, x.schedule.cron]),
    ).toEqual([
      ['crm-to-operations', '0 * * * *'],
      ['operations-to-finance', '0 2 * * *'],
      ['crm-to-finance', '0 8,20 * * *'],
      ['caregivers-to-crm', '0 */4 * * *'],
    ]);
    source.seed(5);
    const job = await ws.post('/v1/sync/jobs', {
      ...endpointJob(),
      name: undefined,
      mapping: undefined,
      template: 'crm-to-operations',
    });
    expect(job.status).toBe(201);
    expect(job.body).toMatchObject({
      name: 'CRM → operations, hourly',
      schedule: { cron: '0 * * * *', timezone: 'America/Sao_Paulo' },
    });
    const schedulers = await t.app.get(JobQueue).queue(SYNC_QUEUE).getJobSchedulers(0, -1);
    expect(schedulers.find((s) => s.key === `sync-cron-${job.body.id}`)).toMatchObject({
      pattern: '0 * * * *',
      tz: 'America/Sao_Paulo',
    });
    await t.app.get(SyncRunner).tick({ jobId: job.body.id });
    const ran = await waitFor(
      async () => {
        const r = (await ws.get(`/v1/sync/jobs/${job.body.id}`)).body.runs[0];
        return r?.status === 'succeeded' && r;
      },
      15_000,
      'scheduled run',
    );
    expect(ran).toMatchObject({ trigger: 'schedule', created: 5 });
  });

  it("upserts into Ponte's contacts and into an accounting connection; stats add it up", async () => {
    source.seed(3);
    const contacts = await ws.post('/v1/sync/jobs', {
      ...endpointJob(),
      name: 'Caregivers → CRM',
      target: { kind: 'contacts' },
      mapping: '{"name": name, "email": email, "tags": ["caregiver"]}',
    });
    expect(await run(contacts.body.id)).toMatchObject({ created: 3, failed: 0 });
    const found = (await ws.get('/v1/contacts?search=cliente2@example.com')).body.data;
    expect(found).toEqual([
      expect.objectContaining({ externalId: 'r00002', name: 'Cliente 2', tags: ['caregiver'] }),
    ]);

    const conn = await ws.post('/v1/accounting/connections', {
      kind: 'omie',
      name: 'Omie',
      config: { appKey: 'k', appSecret: 's' },
    });
    const finance = await ws.post('/v1/sync/jobs', {
      ...endpointJob(),
      name: 'CRM → finance',
      target: { kind: 'connection', connectionId: conn.body.id, entityType: 'customer' },
      mapping: '{"id": id, "name": name, "email": email}',
    });
    expect(await run(finance.body.id)).toMatchObject({ created: 3, failed: 0 });
    expect([...omie.customers.keys()].sort()).toEqual(['r00001', 'r00002', 'r00003']);

    const stats = (await ws.get('/v1/sync/stats')).body;
    expect(stats.jobs).toBeGreaterThanOrEqual(2);
    expect(stats.runs.succeeded).toBeGreaterThanOrEqual(2);
    expect(stats.records.created).toBeGreaterThanOrEqual(6);
    const other = await workspaceHarness(t);
    expect((await other.get(`/v1/sync/jobs/${finance.body.id}`)).status).toBe(404);
    expect((await other.post(`/v1/sync/jobs/${finance.body.id}/start`, {})).status).toBe(404);
  });
});
