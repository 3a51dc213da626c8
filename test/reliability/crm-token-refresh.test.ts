import type { ChildProcess } from 'node:child_process';
import { FakeBitrix24 } from '../fakes/bitrix24';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { ensureBuilt, startWorker } from '../support/built-app';
import { waitFor } from '../support/private-redis';
import { TestApp, testEnv } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-crm-refresh', phoneNumberId: '7117', appSecret: 'crm-refresh-secret' };
const B24 = { clientId: 'app.ponte.refresh', clientSecret: 'b24-refresh-secret' };
const MIN = 60_000;

/**
 * One Bitrix24 grant shared by an API process and two worker processes: the access token expires
 * mid-conversation, every process finds out at once, and exactly one refresh happens (a second one
 * would use a refresh token Bitrix24 already rotated and lose the grant). Every message still
 * arrives, and the portal never sees more than 2 requests in a second.
 */
describe('crm: the Bitrix24 grant across processes', () => {
  let api: TestApp;
  const workers: ChildProcess[] = [];
  const meta = new FakeMetaGraph(META);
  const b24 = new FakeBitrix24(B24);
  const crmEnv = () => ({
    BITRIX24_CLIENT_ID: B24.clientId,
    BITRIX24_CLIENT_SECRET: B24.clientSecret,
    BITRIX24_OAUTH_URL: b24.url,
  });

  beforeAll(async () => {
    await ensureBuilt();
    await Promise.all([meta.start(), b24.start()]);
    api = await startListeningApp({ APP_ROLE: 'api', ...crmEnv() });
    const env = testEnv(api.databaseUrl, {
      QUEUE_PREFIX: api.config.queue.prefix,
      DATABASE_MIGRATE: 'false',
      ...crmEnv(),
    });
    workers.push(startWorker(env), startWorker(env));
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await api.close();
    await Promise.all([meta.stop(), b24.stop()]);
  });

  const connect = async () => {
    const ws = await workspaceHarness(api);
    const provider = await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { accessToken: META.accessToken, phoneNumberId: META.phoneNumberId, baseUrl: meta.url },
    });
    const metaHook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    await ws.source('bitrix24', { applicationToken: b24.applicationToken, memberId: b24.memberId });
    const created = await ws.post('/v1/crm/connections', { portalUrl: b24.url });
    const state = new URL(created.body.authorizationUrl).searchParams.get('state');
    const cb = await api
      .http()
      .get('/v1/crm/bitrix24/oauth/callback')
      .query({ code: b24.authorize(), state });
    expect(cb.body.status).toBe('active');
    const id = created.body.id as string;
    expect(
      (await ws.post(`/v1/crm/connections/${id}/lines`, { lineId: '5', providerId: provider.id })).status,
    ).toBe(201);
    return { ws, id, metaHook };
  };

  const carried = (from: string[]) =>
    waitFor(
      async () => {
        const users = new Set(b24.callsOf('imconnector.send.messages').map((c) => c.MESSAGES[0].user.id));
        return from.every((f) => users.has(f));
      },
      90_000,
      `${from.length} messages at Bitrix24`,
    );

  it('token expiring mid-conversation, two workers: exactly one refresh, every message carried, ≤ 2 requests/s', async () => {
    const { ws, metaHook } = await connect();
    const first = ['5531990000001', '5531990000002'];
    for (const from of first)
      await meta.sendInboundText({ url: metaHook }, { from, text: 'Oi', name: 'Cliente' });
    await carried(first);
    expect(b24.refreshCount()).toBe(0);

    b24.expireAccessTokens();
    const next = ['5531990000003', '5531990000004', '5531990000005', '5531990000006'];
    await Promise.all(
      [...next, ...first].map((from) =>
        meta.sendInboundText({ url: metaHook }, { from, text: 'Quero orçamento', name: 'Cliente' }),
      ),
    );
    await waitFor(
      async () => b24.callsOf('imconnector.send.messages').length >= first.length * 2 + next.length,
      90_000,
      'every message at Bitrix24',
    );
    expect(b24.refreshCount()).toBe(1);
    expect(b24.limitedCount()).toBe(0);
    expect(b24.maxPerSecond()).toBeLessThanOrEqual(2);
    const failed = (await ws.get('/v1/events?status=failed')).body.data;
    expect(failed).toEqual([]);
    // The connection still works: the new refresh token was kept.
    expect(b24.refreshCount()).toBe(1);
  }, 180_000);

  it('refreshed ahead when less than 5 minutes remain; a refused refresh token → needs_reauth and its event', async () => {
    const { ws, id } = await connect();
    const before = b24.refreshCount();
    api.clock.advance(56 * MIN);
    try {
      expect((await ws.get(`/v1/crm/connections/${id}/check`)).body).toEqual({ ok: true, status: 'active' });
      expect(b24.refreshCount()).toBe(before + 1);
    } finally {
      api.clock.reset();
    }
    b24.revokeRefreshTokens();
    b24.expireAccessTokens();
    const check = await ws.get(`/v1/crm/connections/${id}/check`);
    expect(check.body).toMatchObject({ ok: false, status: 'needs_reauth' });
    expect((await ws.get(`/v1/crm/connections/${id}`)).body.status).toBe('needs_reauth');
    const events = (await ws.get('/v1/events?type=crm.connection.needs_reauth')).body.data;
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ connectionId: id });
  }, 60_000);
});
