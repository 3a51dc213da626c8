import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const GOOGLE = { clientId: 'ponte-book.apps.googleusercontent.com', clientSecret: 'GOCSPX-book' };
const META = { accessToken: 'EAAG-book-token', phoneNumberId: '7007', appSecret: 'book-app-secret' };

describe('appointment-booking over WhatsApp (Meta fake, Google fake)', () => {
  let t: TestApp;
  const google = new FakeGoogleCalendar(GOOGLE);
  const meta = new FakeMetaGraph(META);

  beforeAll(async () => {
    await Promise.all([google.start(), meta.start()]);
    t = await startListeningApp({
      GOOGLE_CLIENT_ID: GOOGLE.clientId,
      GOOGLE_CLIENT_SECRET: GOOGLE.clientSecret,
      GOOGLE_ROOT_URL: google.url,
      GOOGLE_OAUTH_URL: google.url,
      NOTIFICATION_RETRY_SCHEDULE: '200ms',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([google.stop(), meta.stop()]);
  });
  afterEach(() => t.clock.reset());

  it('"quero marcar um corte" → three free slots as buttons → a tap books it (Google event) → confirmation; "confirmo" confirms; "preciso remarcar" → "2" moves it', async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { accessToken: META.accessToken, phoneNumberId: META.phoneNumberId, baseUrl: meta.url },
    });
    const hook = await ws.source('meta', { appSecret: META.appSecret, verifyToken: 'vt' });
    const me = (await ws.get('/v1/workspace')).body;
    await t
      .http()
      .patch(`/v1/workspaces/${me.id}`)
      .set(t.auth(ws.key))
      .send({ businessName: 'Barbearia Trato', timeZone: 'America/Sao_Paulo' });
    const created = await ws.post('/v1/calendar/connections', { kind: 'oauth' });
    const consent = google.consent(created.body.authorizationUrl);
    await t
      .http()
      .get('/v1/calendar/google/oauth/callback')
      .query({ code: consent.code, state: consent.state });
    const wf = await ws.post('/v1/workflows/from-template', { template: 'appointment-booking' });
    expect(wf.status).toBe(201);

    // Monday 23/11/2026, 08:00 in São Paulo; 09:30–10:00 is already taken in Google.
    t.clock.freeze('2026-11-23T11:00:00.000Z');
    google.addEvent('primary', {
      summary: 'Ocupado',
      start: { dateTime: '2026-11-23T09:30:00-03:00' },
      end: { dateTime: '2026-11-23T10:00:00-03:00' },
    });
    const from = '5531977776666';
    const sentTo = () => meta.sentMessages().filter((m) => m.to.replace('+', '') === from);

    expect(
      (
        await meta.sendInboundText(
          { url: hook },
          { from, text: 'Oi, quero marcar um corte', name: 'João Lima' },
        )
      ).status,
    ).toBe(200);
    const [offer] = await waitFor(async () => sentTo().length === 1 && sentTo(), 15_000, 'the slots offered');
    expect(offer.type).toBe('interactive');
    expect(offer.body.interactive.body.text).toBe(
      'Olá, João! Estes são os próximos horários livres para Corte em Barbearia Trato: 1) seg 23/11 às 09:00; 2) seg 23/11 às 10:00; 3) seg 23/11 às 10:30. Responda com o número do horário que preferir.',
    );
    const buttons = offer.body.interactive.action.buttons.map((b: any) => b.reply);
    expect(buttons.map((b: any) => b.title)).toEqual([
      'Seg 23/11 09:00',
      'Seg 23/11 10:00',
      'Seg 23/11 10:30',
    ]);

    // The contact taps the second button.
    const status = await meta.sendWebhookValue(
      { url: hook },
      {
        contacts: [{ profile: { name: 'João Lima' }, wa_id: from }],
        messages: [
          {
            from,
            id: 'wamid.HBgNNTUzMTk3Nzc3NjY2NhUCABIYIEJPT0tJTkcx',
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: buttons[1] },
          },
        ],
      },
    );
    expect(status).toBe(200);
    const [appointment] = await waitFor(
      async () => {
        const list = (await ws.get('/v1/appointments')).body.data;
        return list.length === 1 && list;
      },
      15_000,
      'the appointment',
    );
    expect(appointment).toMatchObject({
      service: 'Corte',
      startsAt: '2026-11-23T13:00:00.000Z',
      durationMinutes: 30,
      status: 'scheduled',
    });
    await waitFor(
      async () =>
        google
          .events()
          .some(
            (e) =>
              e.extendedProperties?.private?.ponteAppointmentId === appointment.id &&
              e.start.dateTime === '2026-11-23T13:00:00.000Z',
          ),
      10_000,
      'the Google event',
    );
    await waitFor(async () => sentTo().length === 2, 15_000, 'the confirmation');
    expect(sentTo()[1].body.template).toMatchObject({ name: 'appointment_confirmation' });
    expect(sentTo()[1].body.template.components[0].parameters.map((p: any) => p.text)).toEqual([
      'João',
      'Corte',
      '23/11',
      '10:00',
      'Barbearia Trato',
    ]);

    // The reply to a reminder: "confirmo".
    await meta.sendInboundText({ url: hook }, { from, text: 'Confirmo', name: 'João Lima' });
    await waitFor(
      async () => (await ws.get(`/v1/appointments/${appointment.id}`)).body.status === 'confirmed',
      15_000,
      'confirmed',
    );
    await waitFor(async () => sentTo().length === 3, 15_000, 'the confirmation of the confirmation');

    // "preciso remarcar" → new slots (10:00 is now João's own) → "2" as plain text (as on WAHA/Z-API).
    await meta.sendInboundText({ url: hook }, { from, text: 'preciso remarcar', name: 'João Lima' });
    const again = await waitFor(async () => sentTo().length === 4 && sentTo()[3], 15_000, 'the new slots');
    expect(again.body.interactive.body.text).toContain(
      '1) seg 23/11 às 09:00; 2) seg 23/11 às 10:30; 3) seg 23/11 às 11:00',
    );
    await meta.sendInboundText({ url: hook }, { from, text: '2', name: 'João Lima' });
    await waitFor(
      async () =>
        (await ws.get(`/v1/appointments/${appointment.id}`)).body.startsAt === '2026-11-23T13:30:00.000Z',
      15_000,
      'rescheduled',
    );
    expect((await ws.get('/v1/appointments')).body.data).toHaveLength(1);
    await waitFor(async () => sentTo().length === 5, 15_000, 'the new confirmation');
    expect(sentTo()[4].body.template.components[0].parameters[3].text).toBe('10:30');

    // Small talk starts nothing.
    const executions = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data.length;
    await meta.sendInboundText({ url: hook }, { from, text: 'valeu, até lá!', name: 'João Lima' });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data).toHaveLength(executions);
  });
});
