import { FakeBitrix24 } from '../fakes/bitrix24';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const B24 = { clientId: 'app.ponte.install', clientSecret: 'b24-install-secret' };

/**
 * Bitrix24's own install: a `mode: install` connection answers a handler URL; the fake portal
 * posts ONAPPINSTALL there exactly as Bitrix24 does; the grant it carries then works for REST
 * calls; ONAPPUNINSTALL (checked by application_token) leaves the connection `uninstalled`.
 */
describe('crm: Bitrix24 install event', () => {
  let t: TestApp;
  const b24 = new FakeBitrix24(B24);

  beforeAll(async () => {
    await b24.start();
    t = await startListeningApp({
      BITRIX24_CLIENT_ID: B24.clientId,
      BITRIX24_CLIENT_SECRET: B24.clientSecret,
      BITRIX24_OAUTH_URL: b24.url,
    });
  });
  afterAll(async () => {
    await t.close();
    await b24.stop();
  });

  const pending = async () => {
    const ws = await workspaceHarness(t);
    const created = await ws.post('/v1/crm/connections', { mode: 'install', name: 'Instalado' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', memberId: null, portalUrl: '' });
    expect(created.body.authorizationUrl).toBeUndefined();
    const installUrl = created.body.installUrl as string;
    expect(new URL(installUrl).pathname).toMatch(/^\/bitrix24\/install\/[\w-]{20,}$/);
    return { ws, installUrl, id: created.body.id as string };
  };

  it('ONAPPINSTALL → active with the grant it carried (check calls app.info); the source is pinned to the install', async () => {
    const { ws, installUrl, id } = await pending();
    // A source created before the install, without a token: events are refused until the install.
    const hook = await ws.source('bitrix24', {});
    expect(await b24.postEvent(hook, 'ONIMCONNECTORSTATUSDELETE', { LINE: '1' })).toBe(401);

    const installed = await b24.install(installUrl);
    expect(installed.status).toBe(200);
    const view = (await ws.get(`/v1/crm/connections/${id}`)).body;
    expect(view).toMatchObject({
      status: 'active',
      memberId: b24.memberId,
      portalUrl: new URL(b24.url).origin,
    });
    expect(JSON.stringify(view)).not.toContain(b24.applicationToken);

    const calls = b24.callsOf('app.info').length;
    expect((await ws.get(`/v1/crm/connections/${id}/check`)).body).toEqual({ ok: true, status: 'active' });
    expect(b24.callsOf('app.info').length).toBe(calls + 1);
    expect(b24.refreshCount()).toBe(0);

    // The source now takes the install's application_token and only it.
    expect(await b24.postEvent(hook, 'ONIMCONNECTORSTATUSDELETE', { LINE: '1' })).toBeLessThan(300);
    expect(
      await b24.postEvent(hook, 'ONIMCONNECTORSTATUSDELETE', { LINE: '1' }, { application_token: 'forged' }),
    ).toBe(401);

    // The grant refreshes like an OAuth one: the install's refresh token is a real one.
    b24.expireAccessTokens();
    expect((await ws.get(`/v1/crm/connections/${id}/check`)).body).toEqual({ ok: true, status: 'active' });
    expect(b24.refreshCount()).toBe(1);

    // Another install with a different application_token cannot take the connection over.
    const forged = await b24.install(installUrl, { application_token: 'someone-else' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body).code).toBe('CRM_INSTALL_FORBIDDEN');
  });

  it('the install placement: the grant from the form fields, answered with BX24.installFinish()', async () => {
    const { ws, installUrl, id } = await pending();
    const page = await b24.openInstallPlacement(installUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain('BX24.installFinish()');
    expect((await ws.get(`/v1/crm/connections/${id}`)).body).toMatchObject({
      status: 'active',
      memberId: b24.memberId,
    });
    expect((await ws.get(`/v1/crm/connections/${id}/check`)).body).toEqual({ ok: true, status: 'active' });
  });

  it('forged or malformed installs are refused with problems; nothing changes', async () => {
    const { ws, installUrl, id } = await pending();
    const base = installUrl.slice(0, installUrl.lastIndexOf('/'));
    const unknown = await b24.install(`${base}/not-a-real-token-at-all-xxxxxxxx`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const noTokens = await b24.install(installUrl, { access_token: '', refresh_token: '' });
    expect(noTokens.status).toBe(400);
    expect(JSON.parse(noTokens.body).code).toBe('CRM_INSTALL_INVALID');

    const json = await t.http().post(new URL(installUrl).pathname).send({ event: 'ONAPPINSTALL' });
    expect(json.status).toBe(415);

    const other = await t
      .http()
      .post(new URL(installUrl).pathname)
      .type('form')
      .send({ event: 'ONCRMLEADADD' });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('CRM_INSTALL_INVALID');

    // An uninstall before any install has no token to match.
    expect((await b24.uninstall(installUrl)).status).toBe(401);
    expect((await ws.get(`/v1/crm/connections/${id}`)).body.status).toBe('pending');
  });

  it('ONAPPUNINSTALL → uninstalled, tokens dropped, crm.connection.uninstalled; a forged one is refused', async () => {
    const { ws, installUrl, id } = await pending();
    expect((await b24.install(installUrl)).status).toBe(200);

    const forged = await b24.uninstall(installUrl, { application_token: 'forged' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body).code).toBe('CRM_INSTALL_FORBIDDEN');
    expect((await ws.get(`/v1/crm/connections/${id}`)).body.status).toBe('active');

    expect((await b24.uninstall(installUrl)).status).toBe(200);
    expect((await ws.get(`/v1/crm/connections/${id}`)).body.status).toBe('uninstalled');
    const check = (await ws.get(`/v1/crm/connections/${id}/check`)).body;
    expect(check).toMatchObject({ ok: false, status: 'uninstalled' });
    const events = await waitFor(
      async () => {
        const list = (await ws.get('/v1/events?type=crm.connection.uninstalled')).body.data;
        return list.length ? list : undefined;
      },
      15_000,
      'crm.connection.uninstalled',
    );
    expect(events[0].data).toMatchObject({ connectionId: id, memberId: b24.memberId });
    expect(JSON.stringify(events[0].data)).not.toContain(b24.applicationToken);

    // Installed again (Bitrix24 gives a new application_token): active again.
    const again = await b24.install(installUrl, { application_token: 'new-install-token' });
    expect(again.status).toBe(200);
    expect((await ws.get(`/v1/crm/connections/${id}`)).body.status).toBe('active');
  });
});
