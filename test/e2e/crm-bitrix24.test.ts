import { DataSource } from 'typeorm';
import { FakeBitrix24 } from '../fakes/bitrix24';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-crm-token', phoneNumberId: '7007', appSecret: 'crm-app-secret' };
const B24 = { clientId: 'app.ponte.test', clientSecret: 'b24-secret' };

/**
 * The Bitrix24 Open Channels bridge end to end: Meta webhook → contact, chat and message at the
 * fake portal; the portal's agent reply → the fake Meta server → delivery and read back at the portal.
 */
describe('crm: Bitrix24 Open Channels bridge', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const b24 = new FakeBitrix24(B24);

  beforeAll(async () => {
    await Promise.all([meta.start(), b24.start()]);
    t = await startListeningApp({
      BITRIX24_CLIENT_ID: B24.clientId,
      BITRIX24_CLIENT_SECRET: B24.clientSecret,
      BITRIX24_OAUTH_URL: b24.url,
      CRM_WINDOW_TEMPLATE: 'retomar_conversa',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([meta.stop(), b24.stop()]);
  });

  const connect = async () => {
    const ws = await workspaceHarness(t);
    const provider = await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { accessToken: META.accessToken, phoneNumberId: META.phoneNumberId, baseUrl: meta.url },
    });
    const metaHook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    const b24Hook = await ws.source('bitrix24', {
      applicationToken: b24.applicationToken,
      memberId: b24.memberId,
    });
    const created = await ws.post('/v1/crm/connections', { portalUrl: b24.url, name: 'Comercial' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', memberId: null });
    const consent = new URL(created.body.authorizationUrl);
    expect(consent.pathname).toBe('/oauth/authorize/');
    expect(consent.searchParams.get('client_id')).toBe(B24.clientId);
    const callback = await t
      .http()
      .get('/v1/crm/bitrix24/oauth/callback')
      .query({
        code: b24.authorize(),
        state: consent.searchParams.get('state'),
        domain: new URL(b24.url).host,
        member_id: b24.memberId,
        scope: 'crm,imopenlines',
        server_domain: 'oauth.bitrix.info',
      });
    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({ id: created.body.id, status: 'active', memberId: b24.memberId });
    return { ws, provider, metaHook, b24Hook, connectionId: created.body.id as string };
  };

  it('connection: OAuth code flow, tokens never shown, check, a used code refused, workspace isolation', async () => {
    const { ws, connectionId } = await connect();
    const view = await ws.get(`/v1/crm/connections/${connectionId}`);
    expect(JSON.stringify(view.body)).not.toMatch(/accessToken|refreshToken|configSealed/);
    const check = await ws.get(`/v1/crm/connections/${connectionId}/check`);
    expect(check.body).toEqual({ ok: true, status: 'active' });
    expect(b24.callsOf('app.info').length).toBeGreaterThanOrEqual(1);
    // Bitrix24 says QUERY_LIMIT_EXCEEDED twice: the call waits and is tried again.
    const before = b24.callsOf('app.info').length;
    b24.failNext(
      2,
      { status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } },
      { path: '/rest/:method' },
    );
    expect((await ws.get(`/v1/crm/connections/${connectionId}/check`)).body).toEqual({
      ok: true,
      status: 'active',
    });
    expect(b24.callsOf('app.info').length).toBe(before + 1);
    expect(b24.requests({ path: '/rest/:method' }).length).toBeGreaterThanOrEqual(3);
    const list = await ws.get('/v1/crm/connections');
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([connectionId]);
    const again = await t.http().get('/v1/crm/bitrix24/oauth/callback').query({ code: 'x', state: 'nope' });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('CRM_OAUTH_FAILED');
    const other = await workspaceHarness(t);
    expect((await other.get(`/v1/crm/connections/${connectionId}`)).status).toBe(404);
    expect(
      (
        await other.post(`/v1/crm/connections/${connectionId}/lines`, {
          lineId: '1',
          providerId: connectionId,
        })
      ).status,
    ).toBe(404);
  });

  it('round trip: "Oi, quero orçamento" → contact, chat, message; agent reply → Meta → delivery and read at Bitrix24', async () => {
    const { ws, provider, metaHook, b24Hook, connectionId } = await connect();
    const line = await ws.post(`/v1/crm/connections/${connectionId}/lines`, {
      lineId: '7',
      providerId: provider.id,
    });
    expect(line.status).toBe(201);
    expect(line.body).toMatchObject({
      lineId: '7',
      connector: 'ponte_whatsapp',
      businessNumber: `meta:${META.phoneNumberId}`,
    });
    expect(b24.callsOf('imconnector.register').at(-1)).toMatchObject({ ID: 'ponte_whatsapp' });
    expect(b24.callsOf('imconnector.activate').at(-1)).toMatchObject({
      CONNECTOR: 'ponte_whatsapp',
      LINE: '7',
      ACTIVE: '1',
    });
    expect(b24.callsOf('imconnector.connector.data.set').at(-1)).toMatchObject({ LINE: '7' });
    expect(b24.bindings).toContainEqual({ event: 'OnImConnectorMessageAdd', handler: b24Hook });

    // Maria is in the CRM already, without the 9th digit; João is new.
    b24.contacts.push({
      ID: '46',
      fields: { NAME: 'Maria', PHONE: [{ VALUE: '+553188887777', VALUE_TYPE: 'MOBILE' }] },
    });
    const maria = '5531988887777';
    const joao = '5511977776666';
    await meta.sendInboundText(
      { url: metaHook },
      { from: maria, text: 'Oi, quero orçamento', name: 'Maria Souza' },
    );
    await meta.sendInboundText({ url: metaHook }, { from: joao, text: 'Bom dia', name: 'João Lima' });
    const sent = await waitFor(
      async () => {
        const s = b24.callsOf('imconnector.send.messages');
        return s.length >= 2 && s;
      },
      20_000,
      'two messages at Bitrix24',
    );
    const toMaria = sent.map((s) => s.MESSAGES[0]).find((m: any) => m.user.id === maria);
    expect(toMaria).toMatchObject({
      user: { id: maria, name: 'Maria', last_name: 'Souza', phone: `+${maria}` },
      message: { text: 'Oi, quero orçamento' },
      chat: { id: maria },
    });
    expect(sent[0]).toMatchObject({ CONNECTOR: 'ponte_whatsapp', LINE: '7' });
    // Maria found by her old number (one batch for both forms); João created once.
    const added = b24.callsOf('crm.contact.add');
    expect(added).toHaveLength(1);
    expect(added[0].fields).toMatchObject({
      NAME: 'João',
      LAST_NAME: 'Lima',
      PHONE: [{ VALUE: `+${joao}` }],
    });
    expect(b24.callsOf('crm.contact.list').length).toBe(4);

    // The agent answers Maria in chat 1800-something.
    const chatId = String((b24 as any).chats.get(maria));
    expect(
      await b24.postAgentReply(b24Hook, {
        line: '7',
        chatId,
        messageId: '86497',
        userId: maria,
        text: '[b]Ana:[/b] [br]Olá Maria! Segue o orçamento.',
      }),
    ).toBe(200);
    // Posted twice (Bitrix24 does not retry, but a proxy might): sent once.
    expect(
      await b24.postAgentReply(b24Hook, {
        line: '7',
        chatId,
        messageId: '86497',
        userId: maria,
        text: '[b]Ana:[/b] [br]Olá Maria! Segue o orçamento.',
      }),
    ).toBe(200);
    const [out] = await waitFor(
      async () => {
        const m = meta.sentMessages().filter((x) => x.waId === maria);
        return m.length >= 1 && m;
      },
      20_000,
      'the reply at Meta',
    );
    expect(out.body.text).toEqual(expect.objectContaining({ body: '*Ana:*\nOlá Maria! Segue o orçamento.' }));

    expect(await meta.sendStatus({ url: metaHook }, out.wamid, 'delivered')).toBe(200);
    const [delivery] = await waitFor(
      async () => {
        const d = b24.callsOf('imconnector.send.status.delivery');
        return d.length >= 1 && d;
      },
      20_000,
      'delivery at Bitrix24',
    );
    expect(delivery.MESSAGES[0]).toMatchObject({
      im: { chat_id: chatId, message_id: '86497' },
      message: { id: [out.wamid] },
      chat: { id: maria },
    });
    expect(await meta.sendStatus({ url: metaHook }, out.wamid, 'read')).toBe(200);
    const [reading] = await waitFor(
      async () => {
        const r = b24.callsOf('imconnector.send.status.reading');
        return r.length >= 1 && r;
      },
      20_000,
      'reading at Bitrix24',
    );
    expect(reading.MESSAGES[0]).toMatchObject({ im: { message_id: '86497' }, message: { id: [out.wamid] } });
    expect(meta.sentMessages().filter((x) => x.waId === maria)).toHaveLength(1);
    expect(b24.maxPerSecond()).toBeLessThanOrEqual(2);

    // LGPD: Maria's export holds her bridged chat; erasure removes the bridge's memory of her.
    const contact = (await ws.get('/v1/contacts')).body.data.find((x: any) => x.phone === `+${maria}`);
    const exported = (await ws.get(`/v1/contacts/${contact.id}/export`)).body;
    expect(exported.crmChats).toEqual([
      expect.objectContaining({
        waId: maria,
        bitrix24ContactId: '46',
        bitrix24ChatId: chatId,
        messagesCarried: 2,
      }),
    ]);
    expect((await t.http().delete(`/v1/contacts/${contact.id}`).set(t.auth(ws.key))).status).toBeLessThan(
      300,
    );
    const after = await waitFor(
      async () => {
        const r = await t.app
          .get(DataSource)
          .query('SELECT count(*)::int AS n FROM crm_chats WHERE wa_id = $1', [maria]);
        return r[0].n === 0 && r;
      },
      10_000,
      'Maria erased from the bridge',
    );
    expect(after[0].n).toBe(0);
  });

  it('a reply outside the 24-hour window is not sent; the agent is told in the chat, with the template offered', async () => {
    const { ws, provider, metaHook, b24Hook, connectionId } = await connect();
    await ws.post(`/v1/crm/connections/${connectionId}/lines`, { lineId: '9', providerId: provider.id });
    const carla = '5521966665555';
    await meta.sendInboundText({ url: metaHook }, { from: carla, text: 'Oi', name: 'Carla' });
    await waitFor(
      async () => b24.callsOf('imconnector.send.messages').some((s) => s.MESSAGES[0].user.id === carla),
      20_000,
      'Carla at Bitrix24',
    );
    const chatId = String((b24 as any).chats.get(carla));
    t.clock.advance(25 * 3600_000);
    try {
      await b24.postAgentReply(b24Hook, {
        line: '9',
        chatId,
        messageId: '99001',
        userId: carla,
        text: 'Ainda precisa?',
      });
      const [notice] = await waitFor(
        async () => {
          const n = b24.callsOf('im.message.add').filter((m) => m.DIALOG_ID === `chat${chatId}`);
          return n.length >= 1 && n;
        },
        20_000,
        'the notice in the chat',
      );
      expect(notice.MESSAGE).toMatch(/24 hours.*retomar_conversa/);
      expect(meta.sentMessages().filter((x) => x.waId === carla)).toHaveLength(0);
    } finally {
      t.clock.reset();
    }
  });

  it("whatsapp-lead: a new contact's first message → a Bitrix24 lead (found again by phone, not duplicated) → crm.lead.upserted", async () => {
    const { ws, metaHook } = await connect();
    const wf = await ws.post('/v1/workflows/from-template', { template: 'whatsapp-lead' });
    expect(wf.status).toBe(201);
    // Already a lead in Bitrix24 under the old 8-digit form: updated, not added.
    b24.leads.push({
      ID: '501',
      fields: { TITLE: 'Site', PHONE: [{ VALUE: '+553177776666', VALUE_TYPE: 'MOBILE' }] },
    });
    const known = '5531977776666';
    const fresh = '5531966660001';
    await meta.sendInboundText({ url: metaHook }, { from: known, text: 'Oi', name: 'Rita Alves' });
    await meta.sendInboundText({ url: metaHook }, { from: fresh, text: 'Olá', name: 'Bruno Reis' });
    const upserted = await waitFor(
      async () => {
        const e = (await ws.get('/v1/events?type=crm.lead.upserted')).body.data;
        return e.length >= 2 && e;
      },
      30_000,
      'two crm.lead.upserted',
    );
    const byPhone = Object.fromEntries(upserted.map((e: any) => [e.data.phone, e.data.lead]));
    expect(byPhone[`+${known}`]).toEqual({ system: 'bitrix24', leadId: '501', created: false });
    expect(byPhone[`+${fresh}`]).toMatchObject({ system: 'bitrix24', created: true });
    const added = b24.callsOf('crm.lead.add').map((c) => c.fields);
    expect(added).toContainEqual(
      expect.objectContaining({
        NAME: 'Bruno Reis',
        PHONE: [{ VALUE: `+${fresh}`, VALUE_TYPE: 'MOBILE' }],
        SOURCE_ID: 'OTHER',
      }),
    );
    expect(b24.callsOf('crm.lead.update').map((c) => String(c.id))).toContain('501');
    expect(b24.leads.find((l) => l.ID === '501')!.fields.SOURCE_DESCRIPTION).toBe(
      `WhatsApp meta:${META.phoneNumberId}`,
    );
  });

  it('bad input is a 4xx problem', async () => {
    const { ws, connectionId } = await connect();
    const bad = await ws.post(`/v1/crm/connections/${connectionId}/lines`, {
      lineId: 'x',
      providerId: 'nope',
    });
    expect(bad.status).toBe(400);
    const noProvider = await ws.post(`/v1/crm/connections/${connectionId}/lines`, {
      lineId: '3',
      providerId: '0190a0a0-0000-7000-8000-000000000000',
    });
    expect(noProvider.status).toBe(422);
    expect(noProvider.body.code).toBe('CRM_PROVIDER_INVALID');
    expect((await ws.post('/v1/crm/connections', { portalUrl: 'not a url' })).status).toBe(400);
  });
});
