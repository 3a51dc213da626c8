import { decodePng } from '../fakes/png';
import { FakeWaha } from '../fakes/waha';
import { FakeZapi } from '../fakes/zapi';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';
import { SessionMonitor } from '../../src/whatsapp/sessions/session-monitor';

const ZAPI = {
  instanceId: '3C4A1B2D3E4F5A6B7C8D9E0F1A2B3C4E',
  token: 'F1E2D3C4B5A69788AC',
  clientToken: 'Fa1b2c3d4e5T',
};
const WAHA = { apiKey: 'waha-api-key-sessions', session: 'default', hmacKey: 'waha-hmac-key-sessions' };

/** The PNG route's bytes, whatever the content type (supertest buffers image/png). */
const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

describe('WhatsApp Web sessions: WAHA and Z-API', () => {
  let t: TestApp;
  const waha = new FakeWaha({ apiKey: WAHA.apiKey, hmacKey: WAHA.hmacKey });
  const zapi = new FakeZapi(ZAPI);

  beforeAll(async () => {
    await Promise.all([waha.start(), zapi.start()]);
    t = await startListeningApp();
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([waha.stop(), zapi.stop()]);
  });
  beforeEach(() => {
    waha.reset();
    zapi.reset();
  });

  const monitor = () => t.app.get(SessionMonitor);

  async function setUp(kind: 'waha' | 'zapi') {
    const ws = await workspaceHarness(t);
    const config =
      kind === 'waha'
        ? { baseUrl: waha.url, apiKey: WAHA.apiKey, session: WAHA.session }
        : { ...ZAPI, baseUrl: zapi.url };
    const provider = await ws.provider({ channel: 'whatsapp', kind, name: kind, config });
    const hook = await ws.source(kind, kind === 'waha' ? { hmacKey: WAHA.hmacKey } : {});
    const base = `/v1/providers/${provider.id}/session`;
    const session = async () => {
      const res = await ws.get(base);
      expect(res.status).toBe(200);
      return res.body as { status: string; rawStatus: string; kind: string };
    };
    const events = async (type: string) =>
      (await ws.get(`/v1/events?type=provider.session.${type}`)).body.data as Array<{ data: any }>;
    const qr = () => t.http().get(`${base}/qr`).set(t.auth(ws.key)).buffer(true).parse(binary);
    return { ws, provider, hook, base, session, events, qr };
  }

  async function pairAndDrop(
    kind: 'waha' | 'zapi',
    fake: FakeWaha | FakeZapi,
    before: () => Promise<unknown>,
  ): Promise<Awaited<ReturnType<typeof setUp>>> {
    const s = await setUp(kind);
    await before();

    const started = await s.ws.post(`${s.base}/start`, {});
    expect(started.status).toBe(200);
    expect(['STARTING', 'SCAN_QR_CODE']).toContain(started.body.status);
    await waitFor(async () => (await s.session()).status === 'SCAN_QR_CODE', 10_000, 'SCAN_QR_CODE');

    const png = await s.qr();
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const body = png.body as Buffer;
    expect(body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(decodePng(body)).toMatchObject({ width: 232, height: 232, bitDepth: 8, inflatedBytes: 232 * 233 });
    expect(body.equals(fake.qrPng())).toBe(true);

    // The phone scans: the provider's webhook says WORKING, and so does a status read.
    fake.sessionWebhook(s.hook);
    expect(await fake.scan()).toBe(200);
    await waitFor(async () => (await s.events('connected')).length === 1, 15_000, 'connected event');
    expect((await s.session()).status).toBe('WORKING');

    // The phone drops the session: the webhook tells it; checks after it tell it no more.
    expect(await fake.dropSession()).toBe(200);
    await waitFor(async () => (await s.events('disconnected')).length >= 1, 15_000, 'disconnected event');
    await monitor().checkAll();
    await monitor().checkAll();
    expect((await s.session()).status).not.toBe('WORKING');
    const drops = await s.events('disconnected');
    expect(drops).toHaveLength(1);
    expect(drops[0].data).toMatchObject({
      providerId: s.provider.id,
      kind,
      previousStatus: 'WORKING',
      reportedBy: 'webhook',
    });
    return s;
  }

  it('WAHA: start → SCAN_QR_CODE → QR PNG → scanned → WORKING → drop told once → stop', async () => {
    const s = await pairAndDrop('waha', waha, () => waha.dropSession('STOPPED'));
    const start = waha.requests((r) => r.path === '/api/sessions/default/start');
    expect(start).toHaveLength(1);
    expect(start[0].headers['x-api-key']).toBe(WAHA.apiKey);

    // Paired again, then a drop no webhook reports: the scheduled check finds it, once.
    await waha.scan();
    await waitFor(async () => (await s.events('connected')).length === 2, 15_000, 'second connected');
    waha.sessionWebhook(undefined);
    await waha.dropSession('FAILED');
    expect(await monitor().checkAll()).toBeGreaterThanOrEqual(1);
    await monitor().checkAll();
    const drops = await s.events('disconnected');
    expect(drops).toHaveLength(2);
    expect(drops.find((e) => e.data.reportedBy === 'check')?.data).toMatchObject({ status: 'FAILED' });

    // Started again and paired; starting a running session answers its status. A stop is no drop.
    expect((await s.ws.post(`${s.base}/start`, {})).body.status).toBe('STARTING');
    await waitFor(async () => (await s.session()).status === 'SCAN_QR_CODE', 10_000, 'SCAN_QR_CODE again');
    await waha.scan();
    expect((await s.ws.post(`${s.base}/start`, {})).body).toMatchObject({ status: 'WORKING' });
    const stopped = await s.ws.post(`${s.base}/stop`, {});
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'STOPPED', kind: 'waha' });
    await monitor().checkAll();
    expect((await s.session()).status).toBe('STOPPED');
    expect(await s.events('disconnected')).toHaveLength(2);
    const qr = await s.qr();
    expect(qr.status).toBe(409);
    expect(JSON.parse(qr.body.toString()).code).toBe('PROVIDER_SESSION_NO_QR');
  });

  it('Z-API: restart → QR (base64 → PNG) → scanned → WORKING → DisconnectedCallback told once → disconnect', async () => {
    const s = await pairAndDrop('zapi', zapi, async () => zapi.disconnect());
    const [status] = zapi.requests((r) => r.path.endsWith('/status'));
    expect(status.headers['client-token']).toBe(ZAPI.clientToken);
    expect(zapi.requests((r) => r.path.endsWith('/restart'))).toHaveLength(1);
    expect((await s.session()).rawStatus).toBe('You are not connected.');

    await zapi.scan();
    const stopped = await s.ws.post(`${s.base}/stop`, {});
    expect(stopped.body).toMatchObject({ status: 'STOPPED', kind: 'zapi' });
    expect(zapi.requests((r) => r.path.endsWith('/disconnect'))).toHaveLength(1);
    await monitor().checkAll();
    expect(await s.events('disconnected')).toHaveLength(1);
  });

  it("another workspace's provider is 404 on every session route; a kind without sessions is 422", async () => {
    const s = await setUp('waha');
    const other = await workspaceHarness(t);
    for (const res of [
      await other.post(`${s.base}/start`, {}),
      await other.post(`${s.base}/stop`, {}),
      await other.get(s.base),
      await other.get(`${s.base}/qr`),
    ])
      expect(res.status).toBe(404);
    expect(waha.requests()).toHaveLength(0);

    const sandbox = await s.ws.provider({
      channel: 'whatsapp',
      kind: 'sandbox',
      name: 'sandbox',
      config: {},
    });
    for (const res of [
      await s.ws.post(`/v1/providers/${sandbox.id}/session/start`, {}),
      await s.ws.get(`/v1/providers/${sandbox.id}/session`),
      await s.ws.get(`/v1/providers/${sandbox.id}/session/qr`),
    ]) {
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('PROVIDER_SESSIONS_UNSUPPORTED');
    }
  });

  it('a provider that refuses the credentials is a 502 naming its answer', async () => {
    const s = await setUp('zapi');
    const patched = await t
      .http()
      .patch(`/v1/providers/${s.provider.id}`)
      .set(t.auth(s.ws.key))
      .send({ config: { clientToken: 'wrong-token' } });
    expect(patched.status).toBe(200);
    const res = await s.ws.get(s.base);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({
      code: 'PROVIDER_SESSION_FAILED',
      detail: expect.stringContaining('wrong-token'),
    });
  });
});
