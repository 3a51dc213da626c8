import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeZapi } from '../fakes/zapi';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-conv-token', phoneNumberId: '4004', appSecret: 'conv-app-secret' };
const ZAPI = { instanceId: 'INSTANCE4004', token: 'zapi-token-4004', clientToken: 'zapi-client-4004' };
const HOUR = 3600_000;

describe('contacts, conversations, the 24-hour window, consent and LGPD', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const zapi = new FakeZapi(ZAPI);
  let n = 0;
  /** A Brazilian mobile no other test uses, with and without the 9th digit. */
  const mobile = () => {
    const eight = String(92950000 + ++n);
    return { e164: `+55319${eight}`, digits: `55319${eight}`, old: `5531${eight}` };
  };

  beforeAll(async () => {
    await Promise.all([meta.start(), zapi.start()]);
    t = await startListeningApp({ NOTIFICATION_RETRY_SCHEDULE: '200ms' });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([meta.stop(), zapi.stop()]);
  });
  afterEach(() => t.clock.reset());

  /** A workspace with Meta (sources and provider) and Z-API (source), ready for inbound messages. */
  const setup = async () => {
    const ws = await workspaceHarness(t);
    const metaProvider = await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { accessToken: META.accessToken, phoneNumberId: META.phoneNumberId, baseUrl: meta.url },
    });
    const metaHook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    const zapiHook = await ws.source('zapi', {});
    const inboundMeta = async (from: string, text: string, name = 'Maria') => {
      const { status, id } = await meta.sendInboundText({ url: metaHook }, { from, text, name });
      expect(status).toBe(200);
      return id;
    };
    const conversations = async (query = '') =>
      (await ws.get(`/v1/conversations${query}`)).body.data as any[];
    return { ...ws, metaProvider, metaHook, zapiHook, inboundMeta, conversations };
  };
  const waitConversations = (ws: Awaited<ReturnType<typeof setup>>, count: number, query = '') =>
    waitFor(
      async () => {
        const list = await ws.conversations(query);
        return list.length >= count && list;
      },
      15_000,
      `${count} conversations`,
    );

  it('one contact across the 9th-digit variants: a Meta and a Z-API message, one conversation per business number', async () => {
    const ws = await setup();
    const phone = mobile();
    await ws.inboundMeta(phone.digits, 'Oi, quero marcar');
    const zapiStatus = await zapi.post(ws.zapiHook, {
      type: 'ReceivedCallback',
      instanceId: ZAPI.instanceId,
      messageId: `ZAPI${n}ABC`,
      phone: phone.old,
      fromMe: false,
      momment: Date.now(),
      status: 'RECEIVED',
      senderName: 'Maria',
      connectedPhone: '553133334444',
      isGroup: false,
      text: { message: 'Oi de novo' },
    });
    expect(zapiStatus).toBe(200);
    const list = await waitConversations(ws, 2);
    expect(new Set(list.map((c) => c.contactId)).size).toBe(1);
    expect(list.map((c) => c.businessNumber).sort()).toEqual([
      `meta:${META.phoneNumberId}`,
      `zapi:${ZAPI.instanceId}`,
    ]);
    const contact = (await ws.get(`/v1/contacts/${list[0].contactId}`)).body;
    expect(contact).toMatchObject({ phone: phone.e164, name: 'Maria' });
    for (const c of list) {
      const messages = (await ws.get(`/v1/conversations/${c.id}/messages`)).body.data;
      expect(messages).toEqual([expect.objectContaining({ direction: 'inbound', status: 'received' })]);
    }
    const zapiConversation = list.find((c) => c.provider === 'zapi');
    expect(zapiConversation).toMatchObject({ windowExpiresAt: null, windowOpen: true });
    // the received events carry the contact and the conversation
    const events = (await ws.get('/v1/events?type=whatsapp.message.received')).body.data;
    expect(events.map((e: any) => e.data.contactId)).toEqual([contact.id, contact.id]);
    const opened = (await ws.get('/v1/events?type=conversation.opened')).body.data;
    expect(opened).toHaveLength(2);
  });

  it('Meta window: free text inside 24 h is sent; 25 h later it is refused with 422, a template still goes', async () => {
    const ws = await setup();
    const phone = mobile();
    await ws.inboundMeta(phone.digits, 'Bom dia');
    const [conversation] = await waitConversations(ws, 1);
    expect(conversation).toMatchObject({ provider: 'meta', windowOpen: true, unreadCount: 1 });
    const inside = await ws.post(`/v1/conversations/${conversation.id}/messages`, {
      text: 'Bom dia, {{ name }}!',
      data: { name: 'Maria' },
    });
    expect(inside.status).toBe(202);
    await ws.until(inside.body.notificationId, 'sent');
    expect(
      meta
        .sentMessages()
        .filter((m) => m.to === phone.digits)
        .map((m) => m.type),
    ).toEqual(['text']);

    t.clock.advance(25 * HOUR);
    expect((await ws.get(`/v1/conversations/${conversation.id}`)).body).toMatchObject({ windowOpen: false });
    const outside = await ws.post(`/v1/conversations/${conversation.id}/messages`, { text: 'Ainda aí?' });
    expect(outside.body).toMatchObject({ status: 422, code: 'WHATSAPP_WINDOW_CLOSED' });
    const freeText = await ws.post('/v1/notifications', {
      to: { phone: phone.e164 },
      channels: ['whatsapp'],
      content: { body: 'oi' },
    });
    expect(freeText.body).toMatchObject({ status: 422, code: 'WHATSAPP_WINDOW_CLOSED' });
    const template = await ws.post(`/v1/conversations/${conversation.id}/messages`, {
      template: 'appointment-reminder-24h',
      data: {
        name: 'Maria',
        service: 'Limpeza',
        startsAt: '2026-11-24T15:00:00-03:00',
        businessName: 'Clínica',
      },
    });
    expect(template.status).toBe(202);
    await ws.until(template.body.notificationId, 'sent');
    expect(
      meta
        .sentMessages()
        .filter((m) => m.to === phone.digits)
        .map((m) => m.type),
    ).toEqual(['text', 'template']);
    const messages = (await ws.get(`/v1/conversations/${conversation.id}/messages`)).body.data;
    expect(messages.map((m: any) => `${m.direction}:${m.status}`)).toEqual([
      'outbound:sent',
      'outbound:sent',
      'inbound:received',
    ]);
    const read = await ws.post(`/v1/conversations/${conversation.id}/read`, {});
    expect(read.body.unreadCount).toBe(0);
    await waitFor(async () => meta.markedRead().length > 0, 10_000, 'mark read at Meta');
  });

  it('"Quero PARAR de receber promoções" opts out of marketing and is confirmed; marketing is then suppressed, transactional sent', async () => {
    const ws = await setup();
    const phone = mobile();
    await ws.inboundMeta(phone.digits, 'vou sair mais cedo hoje');
    const [conversation] = await waitConversations(ws, 1);
    await ws.inboundMeta(phone.digits, 'Quero PARAR de receber promoções');
    const confirmation = await waitFor(
      async () => meta.sentMessages().find((m) => m.to === phone.digits && m.type === 'template'),
      15_000,
      'opt-out confirmation',
    );
    expect(confirmation.body.template.name).toBe('opt_out_confirmation');
    const consent = (await ws.get(`/v1/contacts/${conversation.contactId}/consent`)).body.data;
    expect(consent).toEqual([
      expect.objectContaining({
        channel: 'whatsapp',
        category: 'marketing',
        optedIn: false,
        source: 'message',
      }),
    ]);

    const marketing = await ws.send({
      to: { phone: phone.e164 },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'M', businessName: 'B' },
      category: 'marketing',
    });
    expect((await ws.until(marketing, 'suppressed')).attempts).toBe(0);
    const transactional = await ws.send({
      to: { phone: phone.e164 },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'M', businessName: 'B' },
    });
    await ws.until(transactional, 'sent');
  });

  it('marketing at 22:00 in São Paulo with quiet hours 21:00–08:00 goes out at 08:00', async () => {
    const ws = await setup();
    const phone = mobile();
    const contact = (await ws.post('/v1/contacts', { phone: phone.e164, name: 'Quieta' })).body;
    await t
      .http()
      .put(`/v1/contacts/${contact.id}/preferences`)
      .set(t.auth(ws.key))
      .send({ quietHours: { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' } })
      .expect(200);
    t.clock.freeze('2026-11-23T01:00:00.000Z'); // 22:00 in São Paulo
    const id = await ws.send({
      to: { contactId: contact.id },
      channels: ['sms'],
      content: { body: 'Promoção!' },
      category: 'marketing',
    });
    const waiting = await ws.until(id, 'scheduled');
    expect(waiting.timeline.at(-1).detail).toContain('2026-11-23T11:00:00.000Z'); // 08:00 in São Paulo
    t.clock.freeze('2026-11-23T11:00:01.000Z');
    const queue = t.app.get(JobQueue).queue(QueueName.Notifications);
    const [job] = (await queue.getDelayed()).filter(
      (j) => (j.data as { notificationId: string }).notificationId === id,
    );
    await job.promote();
    await ws.until(id, 'delivered');
  });

  it('export holds every message and notification; after erasure no personal data is left in any table and counts are unchanged', async () => {
    const ws = await setup();
    const phone = mobile();
    const email = `erase.me.${n}@example.com`;
    await ws.inboundMeta(phone.digits, 'Olá, sou a Apagável', 'Apagável Souza');
    const [conversation] = await waitConversations(ws, 1);
    const contactId = conversation.contactId as string;
    await t
      .http()
      .patch(`/v1/contacts/${contactId}`)
      .set(t.auth(ws.key))
      .send({ email, name: 'Apagável Souza' })
      .expect(200);
    const reply = await ws.post(`/v1/conversations/${conversation.id}/messages`, { text: 'Oi Apagável' });
    await ws.until(reply.body.notificationId, 'sent');
    const mail = await ws.send({
      to: { contactId },
      channels: ['email'],
      content: { subject: 'Oi', body: '<p>Oi Apagável</p>' },
    });
    await ws.until(mail, 'delivered');

    const exported = (await ws.get(`/v1/contacts/${contactId}/export`)).body;
    expect(exported.contact).toMatchObject({ phone: phone.e164, email });
    expect(exported.conversations[0].messages).toHaveLength(2);
    expect(exported.notifications.map((x: any) => x.id).sort()).toEqual(
      [reply.body.notificationId, mail].sort(),
    );
    expect(exported.events.length).toBeGreaterThan(0);

    const db = t.app.get(DataSource);
    const count = async (table: string) =>
      (await db.query(`SELECT count(*)::int AS c FROM ${table}`))[0].c as number;
    const before = {
      notifications: await count('notifications'),
      messages: await count('messages'),
      events: await count('events'),
    };
    await t.http().delete(`/v1/contacts/${contactId}`).set(t.auth(ws.key)).expect(204);

    const tables: Array<{ table_name: string }> = await db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const leaks: string[] = [];
    for (const { table_name } of tables) {
      for (const needle of [phone.digits, phone.old, email, 'Apagável']) {
        const [{ c }] = await db.query(
          `SELECT count(*)::int AS c FROM "${table_name}" t WHERE t::text ILIKE $1`,
          [`%${needle}%`],
        );
        if (c > 0) leaks.push(`${table_name}: ${needle} ×${c}`);
      }
    }
    expect(leaks).toEqual([]);
    expect({
      notifications: await count('notifications'),
      messages: await count('messages'),
      events: await count('events'),
    }).toEqual(before);
    expect((await ws.get(`/v1/contacts/${contactId}`)).status).toBe(404);
  });

  it('a crash between the conversation and the message counts the unread once and opens once', async () => {
    const ws = await setup();
    const phone = mobile();
    const db = t.app.get(DataSource);
    // The first message insert after this fails, as a process killed right there would leave it.
    // A sequence, not a table: its nextval survives the rollback of the failing transaction.
    await db.query(`CREATE SEQUENCE crash_once`);
    await db.query(`CREATE FUNCTION crash_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('crash_once') = 1 THEN RAISE EXCEPTION 'crashed before the message was stored'; END IF; RETURN NEW; END $$`);
    await db.query(
      `CREATE TRIGGER crash_once BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION crash_once()`,
    );
    try {
      await ws.inboundMeta(phone.digits, 'Oi, primeira mensagem');
      const [conversation] = await waitConversations(ws, 1);
      const event = await waitFor(
        async () => {
          const [row] = (await ws.get('/v1/events?type=whatsapp.message.received')).body.data;
          return row?.status === 'processed' && row;
        },
        15_000,
        'the received event processed on its retry',
      );
      expect(event.attempts).toBeGreaterThan(1); // it did crash once
      expect((await ws.get(`/v1/conversations/${conversation.id}`)).body.unreadCount).toBe(1);
      const messages = (await ws.get(`/v1/conversations/${conversation.id}/messages`)).body.data;
      expect(messages).toHaveLength(1);
      const opened = await waitFor(
        async () => {
          const list = (await ws.get('/v1/events?type=conversation.opened')).body.data as unknown[];
          return list.length > 0 && list;
        },
        15_000,
        'conversation.opened',
      );
      expect(opened).toHaveLength(1);
    } finally {
      await db.query(`DROP TRIGGER crash_once ON messages`);
      await db.query(`DROP FUNCTION crash_once()`);
      await db.query(`DROP SEQUENCE crash_once`);
    }
  });

  it('an opt-out whose confirmation failed is confirmed, once, when the event is retried', async () => {
    const ws = await setup();
    const phone = mobile();
    const db = t.app.get(DataSource);
    await db.query(`CREATE SEQUENCE confirm_fails_once`);
    await db.query(`CREATE FUNCTION confirm_fails_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('confirm_fails_once') = 1 THEN RAISE EXCEPTION 'the confirmation could not be stored'; END IF; RETURN NEW; END $$`);
    await db.query(
      `CREATE TRIGGER confirm_fails_once BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION confirm_fails_once()`,
    );
    try {
      await ws.inboundMeta(phone.digits, 'PARAR');
      const confirmation = await waitFor(
        async () => meta.sentMessages().find((m) => m.to === phone.digits && m.type === 'template'),
        15_000,
        'the opt-out confirmation, on the retry',
      );
      expect(confirmation.body.template.name).toBe('opt_out_confirmation');
      const [event] = (await ws.get('/v1/events?type=whatsapp.message.received')).body.data;
      expect(event.attempts).toBeGreaterThan(1); // the first attempt did fail
      await new Promise((r) => setTimeout(r, 500));
      expect(meta.sentMessages().filter((m) => m.to === phone.digits)).toHaveLength(1);
    } finally {
      await db.query(`DROP TRIGGER confirm_fails_once ON notifications`);
      await db.query(`DROP FUNCTION confirm_fails_once()`);
      await db.query(`DROP SEQUENCE confirm_fails_once`);
    }
  });
});
