import { PrivateRedis, waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('health and readiness', () => {
  const redis = new PrivateRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await startTestApp({ env: { REDIS_URL: redis.url, METRICS_TOKEN } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('serves liveness, readiness and details', async () => {
    expect((await t.http().get('/health')).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.dependencies.PostgreSQL.status).toBe('up');
    expect(ready.body.dependencies.Redis.status).toBe('up');
    const detailed = await t.http().get('/health/detailed').set(t.auth());
    expect(detailed.body).toMatchObject({
      status: 'ok',
      role: 'all',
      queues: { 'events-high': { waiting: 0 } },
    });
  });

  it('answers 503 naming Redis while it is down, and 200 again when it returns, without a restart', async () => {
    await redis.stop();
    const down = await t.http().get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(/problem\+json/);
    expect(down.headers['retry-after']).toBeDefined();
    expect(down.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', detail: 'Redis unavailable' });
    expect(down.body.dependencies.PostgreSQL.status).toBe('up');
    // the process keeps serving while Redis is gone
    expect((await t.http().get('/health')).status).toBe(200);
    expect((await t.http().get('/metrics').set(t.auth(METRICS_TOKEN))).status).toBe(200);

    await redis.start();
    await waitFor(
      async () => (await t.http().get('/health/ready')).status === 200,
      15_000,
      'readiness after Redis restart',
    );
  });

  it('exposes Prometheus metrics with the HTTP histogram and queue depths', async () => {
    await t.http().get('/health');
    const res = await t.http().get('/metrics').set(t.auth(METRICS_TOKEN));
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/ponte_http_request_duration_seconds_bucket\{[^}]*route="\/health"/);
    expect(res.text).toMatch(/ponte_queue_jobs\{queue="events",state="waiting"\} 0/);
  });

  it("shows every tenant's operations data only to platform operators and the metrics token", async () => {
    const workspace = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Tenant B' });
    const tenantAdmin = workspace.body.adminKey.key as string;
    for (const path of ['/metrics', '/health/detailed']) {
      const anonymous = await t.http().get(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
      expect((await t.http().get(path).set(t.auth(tenantAdmin))).status).toBe(403);
      expect((await t.http().get(path).set(t.auth('wrong-metrics-token-0123456789'))).status).toBe(401);
      expect((await t.http().get(path).set(t.auth(METRICS_TOKEN))).status).toBe(200);
      expect((await t.http().get(path).set(t.auth())).status).toBe(200); // platform:admin
    }
    // Liveness and readiness stay open to load balancers.
    expect((await t.http().get('/health')).status).toBe(200);
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });
});
