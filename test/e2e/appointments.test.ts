import { Job } from 'bullmq';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const GOOGLE = { clientId: 'ponte-appt.apps.googleusercontent.com', clientSecret: 'GOCSPX-appt' };
const META = { accessToken: 'EAAG-appt-token', phoneNumberId: '6006' };

describe('appointments: Google events, reminders that follow changes made in Google', () => {
  let t: TestApp;
  const google = new FakeGoogleCalendar(GOOGLE);
  const meta = new FakeMetaGraph(META);
  let n = 0;
  const phone = () => `+55319${String(71000000 + ++n)}`;

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

  const setup = async (connect = true) => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { ...META, baseUrl: meta.url },
    });
    const patch = (path: string, body: object) => t.http().patch(path).set(t.auth(ws.key)).send(body);
    let connectionId = '';
    if (connect) {
      const created = await ws.post('/v1/calendar/connections', { kind: 'oauth' });
      const consent = google.consent(created.body.authorizationUrl);
      const back = await t
        .http()
        .get('/v1/calendar/google/oauth/callback')
        .query({ code: consent.code, state: consent.state });
      expect(back.status).toBe(200);
      connectionId = created.body.id;
    }
    const appointment = (id: string) => ws.get(`/v1/appointments/${id}`).then((r) => r.body);
    const executions = async (workflowId: string) =>
      (await ws.get(`/v1/workflows/${workflowId}/executions`)).body.data as any[];
    const sync = async () => {
      const before = (await ws.get(`/v1/calendar/connections/${connectionId}`)).body.lastSyncedAt;
      expect((await ws.post(`/v1/calendar/connections/${connectionId}/sync`, {})).status).toBe(202);
      await waitFor(
        async () => (await ws.get(`/v1/calendar/connections/${connectionId}`)).body.lastSyncedAt !== before,
        10_000,
        'a sync',
      );
    };
    return { ...ws, patch, appointment, executions, sync, connectionId };
  };

  const sentTo = (to: string) =>
    meta.sentMessages().filter((m) => m.to.replace('+', '') === to.replace('+', ''));
  const eventOf = (appointmentId: string) =>
    waitFor(
      async () =>
        google
          .events()
          .find(
            (e) =>
              e.extendedProperties?.private?.ponteAppointmentId === appointmentId && e.status !== 'cancelled',
          ),
      10_000,
      'the Google event',
    );
  /** Every delayed workflow timer, run now (BullMQ waits real time; the app's clock was moved). */
  const promoteAll = async () => {
    const queue = t.app.get(JobQueue).queue(QueueName.Workflows);
    for (const job of (await queue.getDelayed()) as Job[]) await job.promote().catch(() => undefined);
  };

  it('created → Google event → reminders 24 h and 1 h before; moved in Google → sync → the reminders move; deleted → cancelled, no reminder', async () => {
    const ws = await setup();
    const wf = (await ws.post('/v1/workflows/from-template', { template: 'appointment-reminders' })).body;
    t.clock.freeze('2026-11-23T12:00:00.000Z');
    const to = phone();
    const created = await ws.post('/v1/appointments', {
      contact: { name: 'João Lima', phone: to },
      service: 'Corte de cabelo',
      startsAt: '2026-11-25T13:00:00.000Z',
      durationMinutes: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'scheduled',
      calendarId: 'primary',
      connectionId: ws.connectionId,
    });
    const id = created.body.id as string;
    const event = await eventOf(id);
    expect(event).toMatchObject({
      summary: 'Corte de cabelo — João Lima',
      start: { dateTime: '2026-11-25T13:00:00.000Z', timeZone: 'America/Sao_Paulo' },
      end: { dateTime: '2026-11-25T13:30:00.000Z' },
    });
    const [first] = await waitFor(
      async () => {
        const list = await ws.executions(wf.id);
        return list.length === 1 && list[0].status === 'waiting' && list;
      },
      10_000,
      'the reminders waiting',
    );
    expect((await ws.get(`/v1/executions/${first.id}`)).body.wakeAt).toBe('2026-11-24T13:00:00.000Z');

    // A person drags the event one day later in Google Calendar.
    google.moveEvent('primary', event.id, '2026-11-26T14:00:00.000Z', '2026-11-26T14:30:00.000Z');
    await ws.sync();
    await waitFor(
      async () => (await ws.appointment(id)).startsAt === '2026-11-26T14:00:00.000Z',
      10_000,
      'the appointment moved',
    );
    const moved = await waitFor(
      async () => {
        const list = await ws.executions(wf.id);
        return list.length === 2 && list[1].status === 'cancelled' && list[0].status === 'waiting' && list[0];
      },
      10_000,
      'the reminders moved',
    );
    expect((await ws.get(`/v1/executions/${moved.id}`)).body.wakeAt).toBe('2026-11-25T14:00:00.000Z');
    const rescheduled = (await ws.get('/v1/events?type=appointment.rescheduled')).body.data;
    expect(rescheduled).toHaveLength(1);
    const detail = (await ws.get(`/v1/events/${rescheduled[0].id}`)).body;
    expect(detail.data).toMatchObject({
      appointmentId: id,
      startsAt: '2026-11-26T14:00:00.000Z',
      previousStartsAt: '2026-11-25T13:00:00.000Z',
      via: 'google',
    });
    // The sync pushed nothing back: Google keeps the person's time.
    expect(google.events().find((e) => e.id === event.id)!.start.dateTime).toBe('2026-11-26T14:00:00.000Z');

    // The old 24 h time passes: nothing is sent; at the new one, the reminder goes.
    t.clock.freeze('2026-11-24T13:00:01.000Z');
    await promoteAll();
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(to)).toHaveLength(0);
    t.clock.freeze('2026-11-25T14:00:01.000Z');
    await promoteAll();
    await waitFor(async () => sentTo(to).length === 1, 10_000, 'the 24 h reminder');
    expect(sentTo(to)[0].body.template.name).toBe('appointment_reminder_24h');
    await waitFor(
      async () => (await ws.get(`/v1/executions/${moved.id}`)).body.wakeAt === '2026-11-26T13:00:00.000Z',
      10_000,
      'waiting for 1 h before',
    );

    // The person deletes it in Google: cancelled, and the 1 h reminder never goes.
    google.deleteEvent('primary', event.id);
    await ws.sync();
    await waitFor(async () => (await ws.appointment(id)).status === 'cancelled', 10_000, 'cancelled');
    await waitFor(
      async () => (await ws.get(`/v1/executions/${moved.id}`)).body.status === 'cancelled',
      10_000,
      'the reminders cancelled',
    );
    t.clock.freeze('2026-11-26T13:00:01.000Z');
    await promoteAll();
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(to)).toHaveLength(1);
  });

  it('a double booking is 409 with the appointment in the way; reschedule and cancel by API move and delete the event', async () => {
    const ws = await setup();
    t.clock.freeze('2026-11-23T12:00:00.000Z');
    const a = await ws.post('/v1/appointments', {
      contact: { name: 'Ana', phone: phone() },
      service: 'Barba',
      startsAt: '2026-11-27T13:00:00.000Z',
      durationMinutes: 60,
      resource: 'Cadeira 1',
    });
    expect(a.status).toBe(201);
    const clash = await ws.post('/v1/appointments', {
      contact: { name: 'Bia', phone: phone() },
      service: 'Corte',
      startsAt: '2026-11-27T13:30:00.000Z',
      durationMinutes: 30,
    });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({
      code: 'CALENDAR_CONFLICT',
      conflicts: [{ id: a.body.id, kind: 'appointment', startsAt: '2026-11-27T13:00:00.000Z' }],
    });
    const event = await eventOf(a.body.id);

    const moved = await ws.patch(`/v1/appointments/${a.body.id}`, { startsAt: '2026-11-27T15:00:00.000Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      startsAt: '2026-11-27T15:00:00.000Z',
      endsAt: '2026-11-27T16:00:00.000Z',
    });
    await waitFor(
      async () =>
        google.events().find((e) => e.id === event.id)?.start.dateTime === '2026-11-27T15:00:00.000Z',
      10_000,
      'moved in Google',
    );
    expect((await ws.post(`/v1/appointments/${a.body.id}/confirm`, {})).body.status).toBe('confirmed');
    expect((await ws.post(`/v1/appointments/${a.body.id}/cancel`, {})).body.status).toBe('cancelled');
    await waitFor(
      async () => google.events().find((e) => e.id === event.id)?.status === 'cancelled',
      10_000,
      'deleted in Google',
    );
    const again = await ws.post(`/v1/appointments/${a.body.id}/complete`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('APPOINTMENT_STATUS_INVALID');
    const types = (await ws.get('/v1/events?limit=50')).body.data.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'appointment.scheduled',
        'appointment.rescheduled',
        'appointment.confirmed',
        'appointment.cancelled',
      ]),
    );
  });

  it('without a calendar: booked locally; complete emits service.completed; lists by day, contact and status', async () => {
    const ws = await setup(false);
    const me = (await ws.get('/v1/workspace')).body;
    await ws.patch(`/v1/workspaces/${me.id}`, { timeZone: 'America/Sao_Paulo' });
    const contact = await ws.post('/v1/contacts', { name: 'Carla', phone: phone() });
    const contactId = contact.body.id as string;
    const late = await ws.post('/v1/appointments', {
      contactId,
      service: 'Manicure',
      startsAt: '2026-11-28T01:30:00.000Z', // 27/11 22:30 in São Paulo
      durationMinutes: 45,
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ connectionId: null, calendarId: null, calendarEventId: null });
    const other = await ws.post('/v1/appointments', {
      contact: { name: 'Duda', phone: phone() },
      service: 'Pé',
      startsAt: '2026-11-28T12:00:00.000Z',
      durationMinutes: 45,
    });
    expect(other.status).toBe(201);
    const day = await ws.get('/v1/appointments?day=2026-11-27');
    expect(day.body.data.map((a: any) => a.id)).toEqual([late.body.id]);
    const mine = await ws.get(`/v1/appointments?contactId=${contactId}`);
    expect(mine.body.data.map((a: any) => a.id)).toEqual([late.body.id]);

    const done = await ws.post(`/v1/appointments/${late.body.id}/complete`, {});
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect((await ws.get('/v1/appointments?status=completed')).body.data).toHaveLength(1);
    const completed = (await ws.get('/v1/events?type=service.completed')).body.data;
    expect(completed).toHaveLength(1);
    expect((await ws.get(`/v1/events/${completed[0].id}`)).body.data).toMatchObject({
      appointmentId: late.body.id,
      contactId,
      service: 'Manicure',
      name: 'Carla',
    });

    // LGPD: the export lists the appointments; erasure blanks the notes and keeps the rows.
    const noted = await ws.post('/v1/appointments', {
      contactId,
      service: 'Sobrancelha',
      startsAt: '2026-11-30T12:00:00.000Z',
      durationMinutes: 30,
      notes: 'Alergia a henna',
    });
    expect(noted.status).toBe(201);
    const exported = (await ws.get(`/v1/contacts/${contactId}/export`)).body;
    expect(exported.appointments.map((a: any) => a.notes)).toEqual([null, 'Alergia a henna']);
    expect((await t.http().delete(`/v1/contacts/${contactId}`).set(t.auth(ws.key))).status).toBeLessThan(300);
    const erased = (await ws.get(`/v1/appointments/${noted.body.id}`)).body;
    expect(erased).toMatchObject({ status: 'scheduled', notes: null, service: 'Sobrancelha' });

    const noContact = await ws.post('/v1/appointments', {
      service: 'X',
      startsAt: '2026-11-29T12:00:00Z',
      durationMinutes: 30,
    });
    expect(noContact.status).toBe(400);
    const unknown = await ws.post('/v1/appointments', {
      contactId: '0190a0b0-0000-7000-8000-000000000000',
      service: 'X',
      startsAt: '2026-11-29T12:00:00Z',
      durationMinutes: 30,
    });
    expect(unknown.status).toBe(404);
    const foreign = await workspaceHarness(t);
    expect((await foreign.get(`/v1/appointments/${late.body.id}`)).status).toBe(404);
    expect((await foreign.post(`/v1/appointments/${late.body.id}/cancel`, {})).status).toBe(404);
  });
});
