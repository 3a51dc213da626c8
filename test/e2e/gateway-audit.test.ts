import { AuditRecorder } from '../../src/gateway/audit/audit.recorder';
import { AuditService } from '../../src/gateway/audit/audit.service';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

describe('gateway: audit log and bootstrap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('records authenticated requests in batches, without bodies, filterable', async () => {
    const created = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: 'secret-name', scopes: ['events:write'] });
    await t.http().get('/v1/api-keys/00000000-0000-7000-8000-000000000000').set(t.auth());
    await t.http().get('/v1/api-keys').set(t.auth(created.body.key)); // 403
    await t.http().get('/v1/api-keys'); // anonymous: not an audit entry
    await t.app.get(AuditRecorder).flush();

    const all = await t.http().get('/v1/audit-logs').set(t.auth());
    expect(all.status).toBe(200);
    const rows = all.body.data as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.method, r.route, r.status])).toEqual(
      expect.arrayContaining([
        ['POST', '/v1/api-keys', 201],
        ['GET', '/v1/api-keys/:id', 404],
        ['GET', '/v1/api-keys', 403],
      ]),
    );
    expect(JSON.stringify(rows)).not.toContain('secret-name');
    const forbidden = await t.http().get('/v1/audit-logs?status=403').set(t.auth());
    expect(forbidden.body.data).toHaveLength(1);
    expect(forbidden.body.data[0].actorId).toBe(created.body.id);
    const byActor = await t.http().get(`/v1/audit-logs?actor=${created.body.id}`).set(t.auth());
    expect(byActor.body.data).toHaveLength(1);
    const future = await t.http().get('/v1/audit-logs?from=2999-01-01T00:00:00Z').set(t.auth());
    expect(future.body.data).toHaveLength(0);
  });

  it('drops entries older than the retention period', async () => {
    await t.app.get(AuditRecorder).flush();
    const before = (await t.http().get('/v1/audit-logs?limit=200').set(t.auth())).body.data.length as number;
    expect(before).toBeGreaterThan(0);
    t.clock.advance(89 * 24 * 3600 * 1000);
    expect((await t.app.get(AuditService).purge()).deleted).toBe(0); // still within 90 days
    t.clock.advance(2 * 24 * 3600 * 1000);
    const { deleted } = await t.app.get(AuditService).purge();
    t.clock.reset();
    expect(deleted).toBeGreaterThanOrEqual(before);
  });

  it('bootstraps the default workspace and the fixed admin key once', async () => {
    const workspaces = await t.http().get('/v1/workspaces').set(t.auth(ADMIN_KEY));
    expect(workspaces.body.data.map((w: { slug: string }) => w.slug)).toEqual(['default']);
    // a second instance on the same database creates nothing more
    const again = await startTestApp({ databaseUrl: t.databaseUrl });
    await again.close();
    const keys = (await t.http().get('/v1/api-keys?limit=200').set(t.auth())).body.data as { name: string }[];
    expect(keys.filter((k) => k.name === 'Bootstrap admin')).toHaveLength(1);
    expect((await t.http().get('/v1/workspaces').set(t.auth())).body.data).toHaveLength(1);
  });

  it('prints a generated admin key once when none is configured', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    let fresh: TestApp | undefined;
    try {
      fresh = await startTestApp({ env: { BOOTSTRAP_ADMIN_API_KEY: '' } });
      const second = await startTestApp({
        databaseUrl: fresh.databaseUrl,
        env: { BOOTSTRAP_ADMIN_API_KEY: '' },
      });
      await second.close();
    } finally {
      spy.mockRestore();
    }
    const printed =
      writes.join('').match(/Admin API key \(store it now, it is not shown again\): (pk_\S+)/g) ?? [];
    expect(printed).toHaveLength(1);
    const key = String(printed[0]).split(': ')[1] ?? '';
    if (!fresh) throw new Error('the app did not start');
    expect((await fresh.http().get('/v1/workspaces').set(fresh.auth(key))).status).toBe(200);
    await fresh.close();
  });
});
