import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeSmtp } from '../fakes/smtp';
import { FakeTwilio } from '../fakes/twilio-rest';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = {
  accessToken: 'EAAG-test-token-1234',
  phoneNumberId: '106540352242922',
  appSecret: 'meta-app-secret',
};
const TWILIO = { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'twilio-auth-token-5678' };
const SMTP = { user: 'mailer', pass: 'mail-pass-9012' };
/** Approved templates go out on Meta whatever the 24-hour window (free text needs it open). */
const TEMPLATE = { template: 'lead-welcome', data: { name: 'Ana', businessName: 'Clínica' } };

describe('sending core: providers, notifications, statuses, fallback', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const twilioFake = new FakeTwilio(TWILIO);
  const smtp = new FakeSmtp(SMTP);
  let smtpAt: { host: string; port: number };
  let phones = 0;
  /** A recipient no other test uses, so fakes' per-recipient knobs stay apart. */
  const phone = () => `+55319${String(80000000 + ++phones)}`;

  beforeAll(async () => {
    delete process.env.TWILIO_EDGE;
    delete process.env.TWILIO_REGION;
    await Promise.all([meta.start(), twilioFake.start()]);
    smtpAt = await smtp.start();
    t = await startListeningApp({
      NOTIFICATION_RETRY_SCHEDULE: '200ms,200ms,200ms',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([meta.stop(), twilioFake.stop(), smtp.stop()]);
  });

  const workspace = () => workspaceHarness(t);
  const metaProvider = (priority = 1) => ({
    channel: 'whatsapp',
    kind: 'meta',
    name: 'Meta',
    priority,
    config: {
      accessToken: META.accessToken,
      phoneNumberId: META.phoneNumberId,
      apiVersion: 'v23.0',
      baseUrl: meta.url,
    },
  });
  const twilioProvider = (channel: 'whatsapp' | 'sms', priority = 2) => ({
    channel,
    kind: 'twilio',
    name: `Twilio ${channel}`,
    priority,
    config: { ...TWILIO, from: '+14155238886', baseUrl: twilioFake.url },
  });

  it('Meta: text and template arrive as Graph wants them; statuses move the notification to delivered, then read', async () => {
    const ws = await workspace();
    const created = await ws.provider(metaProvider());
    expect(created.config).toMatchObject({ accessToken: '••••1234', phoneNumberId: META.phoneNumberId });
    const hook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    const to = phone();
    // the contact writes first: free text is allowed inside the 24-hour window
    expect((await meta.sendInboundText({ url: hook }, { from: to.slice(1), text: 'Oi' })).status).toBe(200);
    await waitFor(
      async () => (await ws.get('/v1/conversations')).body.data.length === 1,
      10_000,
      'the conversation',
    );
    const textId = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      content: { body: 'Olá, {{ name }}!' },
      data: { name: 'Maria' },
    });
    const sent = await ws.until(textId, 'sent');
    const [req] = meta.requests((r) => r.body?.to === to.slice(1));
    expect(req.path).toBe(`/v23.0/${META.phoneNumberId}/messages`);
    expect(req.headers.authorization).toBe(`Bearer ${META.accessToken}`);
    expect(req.body).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'text',
      text: { body: 'Olá, Maria!' },
    });
    const wamid = meta.sentMessages().find((m) => m.to === to.slice(1))!.wamid;
    expect(sent).toMatchObject({ providerKind: 'meta', providerMessageId: wamid, channel: 'whatsapp' });

    expect(await meta.sendStatus({ url: hook }, wamid, 'delivered')).toBe(200);
    await ws.until(textId, 'delivered');
    expect(await meta.sendStatus({ url: hook }, wamid, 'read')).toBe(200);
    const read = await ws.until(textId, 'read');
    // a late `sent` changes nothing: statuses only move forward
    expect(await meta.sendStatus({ url: hook }, wamid, 'sent')).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await ws.notification(textId)).status).toBe('read');
    expect(read.timeline.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
      'read',
    ]);
    expect(read.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, status: 'read', providerMessageId: wamid }),
    ]);

    const templateId = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'Maria', businessName: 'Clínica Sorriso' },
    });
    await ws.until(templateId, 'sent');
    const template = meta.sentMessages().find((m) => m.to === to.slice(1) && m.type === 'template')!;
    expect(template.body.template).toMatchObject({
      language: { code: 'pt_BR' },
      components: [{ type: 'body' }],
    });
    expect(JSON.stringify(template.body.template.components)).toContain('Maria');

    const check = await ws.post(`/v1/providers/${created.id}/check`, {});
    expect(check.body).toMatchObject({ ok: true, detail: expect.stringContaining('GREEN') });
  });

  it('Twilio: WhatsApp (Content API template) and SMS through the twilio SDK; status callbacks tracked', async () => {
    const ws = await workspace();
    await ws.provider(twilioProvider('whatsapp'));
    const sms = await ws.provider(twilioProvider('sms'));
    const hook = await ws.source('twilio', { authToken: TWILIO.authToken });
    await ws.post('/v1/templates', {
      key: 'visit-confirmed',
      channel: 'whatsapp',
      locale: 'pt-BR',
      body: 'Olá {{ name }}, visita confirmada.',
      whatsapp: {
        name: 'visit_confirmed',
        language: 'pt-BR',
        parameters: ['{{ name }}'],
        contentSid: 'HX0123456789abcdef0123456789abcdef',
      },
    });
    const to = phone();
    const waId = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      template: 'visit-confirmed',
      data: { name: 'João' },
    });
    const smsId = await ws.send({
      to: { phone: to },
      channels: ['sms'],
      content: { body: 'Código {{ code }}' },
      data: { code: '4321' },
    });
    await ws.until(waId, 'sent');
    await ws.until(smsId, 'sent');
    const sentWa = twilioFake.sentMessages().find((m) => m.to === `whatsapp:${to}`)!;
    expect(sentWa).toMatchObject({
      from: 'whatsapp:+14155238886',
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      contentVariables: { '1': 'João' },
      statusCallback: hook,
    });
    const sentSms = twilioFake.sentMessages().find((m) => m.to === to)!;
    expect(sentSms).toMatchObject({ from: '+14155238886', body: 'Código 4321' });
    const [req] = twilioFake.requests((r) => r.body?.To === to);
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${TWILIO.accountSid}:${TWILIO.authToken}`).toString('base64')}`,
    );
    expect((await ws.notification(waId)).providerMessageId).toBe(sentWa.sid);

    expect(await twilioFake.sendStatus(hook, sentWa.sid, 'read')).toBe(200);
    await ws.until(waId, 'read');
    expect(await twilioFake.sendStatus(hook, sentWa.sid, 'delivered')).toBe(200);
    expect(await twilioFake.sendStatus(hook, sentSms.sid, 'delivered')).toBe(200);
    await ws.until(smsId, 'delivered');
    await new Promise((r) => setTimeout(r, 500));
    expect((await ws.notification(waId)).status).toBe('read');
    expect((await ws.post(`/v1/providers/${sms.id}/check`, {})).body).toMatchObject({ ok: true });
  });

  it('SMTP: e-mail sent when the server accepts it, with data HTML-escaped', async () => {
    const ws = await workspace();
    await ws.provider({
      channel: 'email',
      kind: 'smtp',
      name: 'SMTP',
      config: { ...smtpAt, secure: false, ...SMTP, from: 'Ponte <no-reply@ponte.test>' },
    });
    const id = await ws.send({
      to: { email: 'maria@example.com' },
      channels: ['email'],
      content: { subject: 'Oi {{ name }}', body: '<p>Olá, {{ name }}</p>' },
      data: { name: '<script>alert(1)</script>' },
    });
    const [mail] = await smtp.waitForMessages(1, 10_000);
    expect(mail.user).toBe(SMTP.user);
    expect(mail.to).toEqual(['maria@example.com']);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    const n = await ws.until(id, 'sent');
    expect(n.providerMessageId).toBe(mail.messageId);
  });

  it('Meta 500 twice then 200: sent on the third call', async () => {
    const ws = await workspace();
    await ws.provider(metaProvider());
    const to = phone();
    meta.failNext(
      2,
      { status: 500, body: { error: { message: 'Internal', code: 1 } } },
      (r) => r.body?.to === to.slice(1),
    );
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp'], ...TEMPLATE });
    const n = await ws.until(id, 'sent');
    expect(n.attempts).toBe(3);
    expect(
      n.attemptLog.map((a: { status: string; errorCode: string | null }) => [a.status, a.errorCode]),
    ).toEqual([
      ['failed', '1'],
      ['failed', '1'],
      ['sent', null],
    ]);
  });

  it('Meta 131026 → no retry, Twilio used; a late failed 131026 after sent falls back the same way', async () => {
    const ws = await workspace();
    await ws.provider(metaProvider(1));
    await ws.provider(twilioProvider('whatsapp', 2));
    const hook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    const to = phone();
    meta.permanentFailureFor(to.slice(1), 131026);
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp'], ...TEMPLATE });
    const n = await ws.until(id, 'sent');
    expect(n).toMatchObject({ attempts: 2, providerKind: 'twilio' });
    expect(n.attemptLog[0]).toMatchObject({ providerKind: 'meta', status: 'failed', errorCode: '131026' });
    expect(meta.requests((r) => r.body?.to === to.slice(1))).toHaveLength(1);

    const late = phone();
    const lateId = await ws.send({ to: { phone: late }, channels: ['whatsapp'], ...TEMPLATE });
    await ws.until(lateId, 'sent');
    const wamid = meta.sentMessages().find((m) => m.to === late.slice(1))!.wamid;
    expect(await meta.sendStatus({ url: hook }, wamid, 'failed', { errorCode: 131026 })).toBe(200);
    const after = await waitFor(
      async () => {
        const x = await ws.notification(lateId);
        return x.providerKind === 'twilio' && x.status === 'sent' && x;
      },
      15_000,
      'fallback to twilio',
    );
    expect(
      after.attemptLog.map((a: { providerKind: string; status: string }) => [a.providerKind, a.status]),
    ).toEqual([
      ['meta', 'failed'],
      ['twilio', 'sent'],
    ]);
  });

  it('131047 (window closed) skips the other WhatsApp providers and goes to the next channel', async () => {
    const ws = await workspace();
    await ws.provider(metaProvider(1));
    await ws.provider(twilioProvider('whatsapp', 2));
    await ws.provider(twilioProvider('sms', 1));
    const to = phone();
    meta.permanentFailureFor(to.slice(1), 131047);
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp', 'sms'], ...TEMPLATE });
    const n = await ws.until(id, 'sent');
    expect(
      n.attemptLog.map((a: { channel: string; providerKind: string }) => `${a.channel}/${a.providerKind}`),
    ).toEqual(['whatsapp/meta', 'sms/twilio']);
  });

  it('every provider down → failed, with a DLQ entry (kind notification) that retries it', async () => {
    const ws = await workspace();
    await ws.provider(metaProvider(1));
    await ws.provider(twilioProvider('sms', 1));
    const to = phone();
    const stopMeta = meta.failWhen((r) => r.body?.to === to.slice(1), { status: 503 });
    const stopTwilio = twilioFake.failWhen((r) => r.body?.To === to, {
      status: 500,
      body: { code: 20500, message: 'down', status: 500 },
    });
    const id = await ws.send({ to: { phone: to }, channels: ['whatsapp', 'sms'], ...TEMPLATE });
    const n = await ws.until(id, 'failed', 20_000);
    expect(n.attempts).toBe(8); // 1 + 3 retries on each of two providers
    const dlq = (await ws.get('/v1/dlq?kind=notification')).body.data;
    expect(dlq).toEqual([expect.objectContaining({ kind: 'notification', refId: id })]);
    stopMeta();
    stopTwilio();
    expect((await ws.post(`/v1/dlq/${dlq[0].id}/retry`, {})).status).toBeLessThan(300);
    expect((await ws.until(id, 'sent')).attempts).toBe(9);
  });

  it('no provider configured: the sandbox records the message and reports sent, then delivered', async () => {
    const ws = await workspace();
    const to = phone();
    const id = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'Ana', businessName: 'Barbearia' },
    });
    const n = await ws.until(id, 'delivered');
    expect(n.timeline.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
    ]);
    const listed = (await ws.get(`/v1/sandbox/messages?channel=whatsapp&to=${encodeURIComponent(to)}`)).body
      .data;
    expect(listed).toEqual([
      expect.objectContaining({ notificationId: id, to, text: expect.stringContaining('Ana') }),
    ]);
  });

  it('refuses what cannot be sent: missing variables (listed), no address, bad phone', async () => {
    const ws = await workspace();
    const missing = await ws.post('/v1/notifications', {
      to: { phone: phone() },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: {},
    });
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('TEMPLATE_VARIABLES_MISSING');
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['data.name']),
    );
    const noAddress = await ws.post('/v1/notifications', {
      to: { email: 'a@b.co' },
      channels: ['sms'],
      content: { body: 'x' },
    });
    expect(noAddress.body).toMatchObject({ status: 422, code: 'RECIPIENT_UNREACHABLE' });
    const badPhone = await ws.post('/v1/notifications', {
      to: { phone: '12' },
      channels: ['sms'],
      content: { body: 'x' },
    });
    expect(badPhone.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'to.phone' }],
    });
    const both = await ws.post('/v1/notifications', {
      to: { phone: phone() },
      channels: ['sms'],
      template: 'x',
      content: { body: 'x' },
    });
    expect(both.status).toBe(400);
  });

  it('bulk: a result per item; sendAt schedules; a scheduled one can be cancelled, a sent one cannot', async () => {
    const ws = await workspace();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const res = await ws.post('/v1/notifications/bulk', {
      notifications: [
        { to: { phone: phone() }, channels: ['sms'], content: { body: 'um' } },
        { to: { phone: 'nope' }, channels: ['sms'], content: { body: 'dois' } },
        { to: { phone: phone() }, channels: ['sms'], content: { body: 'três' }, sendAt: later },
        { to: { phone: phone() }, channels: ['sms'], content: { body: 'x' }, surprise: 1 },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.results).toEqual([
      { index: 0, id: expect.any(String), status: 'queued' },
      { index: 1, error: { code: 'VALIDATION_FAILED', detail: expect.stringContaining('to.phone') } },
      { index: 2, id: expect.any(String), status: 'scheduled' },
      { index: 3, error: { code: 'VALIDATION_FAILED', detail: expect.stringContaining('surprise') } },
    ]);
    const [first, , scheduled] = res.body.results;
    await ws.until(first.id, 'delivered');
    const cancelled = await ws.post(`/v1/notifications/${scheduled.id}/cancel`, {});
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const tooLate = await ws.post(`/v1/notifications/${first.id}/cancel`, {});
    expect(tooLate.body).toMatchObject({ status: 409, code: 'NOTIFICATION_NOT_CANCELLABLE' });
    const list = (await ws.get('/v1/notifications?status=cancelled')).body.data;
    expect(list.map((n: { id: string }) => n.id)).toEqual([scheduled.id]);
  });

  it('providers: kinds per channel, config validated, secrets never shown again', async () => {
    const ws = await workspace();
    const wrongKind = await ws.post('/v1/providers', { channel: 'sms', kind: 'meta', name: 'x', config: {} });
    expect(wrongKind.body).toMatchObject({ status: 400, errors: [{ field: 'kind' }] });
    const missing = await ws.post('/v1/providers', {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'x',
      config: { phoneNumberId: '1' },
    });
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'config.accessToken' })]);
    const p = await ws.provider(metaProvider());
    const listed = (await ws.get('/v1/providers')).body.data;
    expect(JSON.stringify(listed)).not.toContain(META.accessToken);
    const patched = await t
      .http()
      .patch(`/v1/providers/${p.id}`)
      .set(t.auth(ws.key))
      .send({ config: { accessToken: 'EAAG-other-token-9999' }, priority: 5 });
    expect(patched.body).toMatchObject({
      priority: 5,
      config: { accessToken: '••••9999', phoneNumberId: META.phoneNumberId },
    });
    const bad = await ws.post(`/v1/providers/${p.id}/check`, {});
    expect(bad.body).toMatchObject({ ok: false });
  });
});
