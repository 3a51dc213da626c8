import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const GOOGLE = { clientId: 'ponte-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-test-secret' };

describe('calendar: Google connections, events, conflicts, availability, sync', () => {
  let t: TestApp;
  const google = new FakeGoogleCalendar(GOOGLE);

  beforeAll(async () => {
    await google.start();
    t = await startListeningApp({
      GOOGLE_CLIENT_ID: GOOGLE.clientId,
      GOOGLE_CLIENT_SECRET: GOOGLE.clientSecret,
      GOOGLE_ROOT_URL: google.url,
      GOOGLE_OAUTH_URL: google.url,
    });
  });
  afterAll(async () => {
    await t.close();
    await google.stop();
  });
  afterEach(() => t.clock.reset());

  /** A workspace connected to the fake Google through the OAuth code flow. */
  const connected = async () => {
    const ws = await workspaceHarness(t);
    const created = await ws.post('/v1/calendar/connections', { kind: 'oauth', name: 'Agenda' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', kind: 'oauth', calendarIds: ['primary'] });
    const consent = google.consent(created.body.authorizationUrl);
    expect(consent.redirectUri).toBe(`${t.config.app.publicUrl}/v1/calendar/google/oauth/callback`);
    const back = await t
      .http()
      .get('/v1/calendar/google/oauth/callback')
      .query({ code: consent.code, state: consent.state, scope: 'https://www.googleapis.com/auth/calendar' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: created.body.id, status: 'active' });
    const patch = (path: string, body: object) => t.http().patch(path).set(t.auth(ws.key)).send(body);
    const del = (path: string) => t.http().delete(path).set(t.auth(ws.key));
    return {
      ...ws,
      patch,
      del,
      connectionId: created.body.id as string,
      state: consent.state,
      code: consent.code,
    };
  };

  const inGoogle = (googleEventId: string, ok: (e: any) => boolean = () => true) =>
    waitFor(
      async () => {
        const e = google.events().find((x) => x.id === googleEventId);
        return e && ok(e) && e;
      },
      10_000,
      `event ${googleEventId} in Google`,
    );

  it('OAuth: consent URL → callback stores the tokens sealed; a state works once; bad input is a 4xx', async () => {
    const ws = await connected();
    const again = await t
      .http()
      .get('/v1/calendar/google/oauth/callback')
      .query({ code: ws.code, state: ws.state });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('CALENDAR_OAUTH_FAILED');
    const missing = await t.http().get('/v1/calendar/google/oauth/callback');
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');

    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT credentials_sealed FROM calendar_connections WHERE id = $1', [
        ws.connectionId,
      ]);
      expect(rows[0].credentials_sealed).toMatch(/^v1\./);
      expect(rows[0].credentials_sealed).not.toMatch(/ya29|1\/\//);
    } finally {
      await db.end();
    }
    const view = (await ws.get(`/v1/calendar/connections/${ws.connectionId}`)).body;
    expect(JSON.stringify(view)).not.toMatch(/ya29|refresh|private_key/);
    // another workspace sees nothing
    const other = await workspaceHarness(t);
    expect((await other.get(`/v1/calendar/connections/${ws.connectionId}`)).status).toBe(404);
  });

  it('events: created and pushed to Google, listed by range; a double booking is 409 with the conflict', async () => {
    const ws = await connected();
    const first = await ws.post('/v1/calendar/events', {
      summary: 'Consulta — Maria',
      startsAt: '2026-05-12T15:00:00-03:00',
      endsAt: '2026-05-12T15:30:00-03:00',
      timeZone: 'America/Sao_Paulo',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ calendarId: 'primary', pushState: 'create' });
    const pushed = await inGoogle(first.body.googleEventId);
    expect(pushed).toMatchObject({
      summary: 'Consulta — Maria',
      start: { dateTime: '2026-05-12T18:00:00.000Z' },
    });
    await waitFor(
      async () => (await ws.get(`/v1/calendar/events/${first.body.id}`)).body.pushState === 'synced',
      10_000,
      'synced',
    );

    const clash = await ws.post('/v1/calendar/events', {
      summary: 'Outra',
      startsAt: '2026-05-12T18:15:00Z',
      endsAt: '2026-05-12T19:00:00Z',
    });
    expect(clash.status).toBe(409);
    expect(clash.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(clash.body).toMatchObject({
      code: 'CALENDAR_CONFLICT',
      conflicts: [{ id: first.body.id, kind: 'event', summary: 'Consulta — Maria' }],
    });
    const touching = await ws.post('/v1/calendar/events', {
      summary: 'Logo depois',
      startsAt: '2026-05-12T18:30:00Z',
      endsAt: '2026-05-12T19:00:00Z',
    });
    expect(touching.status).toBe(201);
    const forced = await ws.post('/v1/calendar/events', {
      summary: 'Encaixe',
      startsAt: '2026-05-12T18:15:00Z',
      endsAt: '2026-05-12T18:45:00Z',
      allowConflicts: true,
    });
    expect(forced.status).toBe(201);

    // moving onto another event is a conflict too
    const move = await ws.patch(`/v1/calendar/events/${touching.body.id}`, {
      startsAt: '2026-05-12T18:00:00Z',
    });
    expect(move.status).toBe(409);
    expect(move.body.conflicts.map((c: any) => c.id).sort()).toEqual([first.body.id, forced.body.id].sort());
    const later = await ws.patch(`/v1/calendar/events/${touching.body.id}`, {
      startsAt: '2026-05-12T20:00:00Z',
      endsAt: '2026-05-12T21:00:00Z',
    });
    expect(later.status).toBe(200);
    await inGoogle(touching.body.googleEventId, (e) => e.start.dateTime === '2026-05-12T20:00:00.000Z');

    const list = await ws.get(
      '/v1/calendar/events?calendarId=primary&from=2026-05-12T17:00:00Z&to=2026-05-12T19:00:00Z',
    );
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: any) => e.id)).toEqual([first.body.id, forced.body.id]);

    expect((await ws.del(`/v1/calendar/events/${forced.body.id}`)).status).toBe(204);
    await inGoogle(forced.body.googleEventId, (e) => e.status === 'cancelled');

    const bad = await ws.post('/v1/calendar/events', {
      startsAt: '2026-05-12T19:00:00Z',
      endsAt: '2026-05-12T18:00:00Z',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'endsAt', message: 'must be after startsAt' }]);
  });

  it('availability across a DST change and a lunch break, with a busy event from Google', async () => {
    const ws = await connected();
    const me = (await ws.get('/v1/workspace')).body;
    expect((await ws.patch(`/v1/workspaces/${me.id}`, { timeZone: 'America/New_York' })).status).toBe(200);
    t.clock.freeze('2026-03-01T12:00:00Z');
    // Monday 10:00–11:00 EDT is taken in Google.
    google.addEvent('primary', {
      summary: 'Ocupado',
      start: { dateTime: '2026-03-09T10:00:00-04:00' },
      end: { dateTime: '2026-03-09T11:00:00-04:00' },
    });
    const res = await ws.post('/v1/calendar/availability', {
      from: '2026-03-06T00:00:00-05:00',
      to: '2026-03-10T00:00:00-04:00',
      slotMinutes: 60,
      workingHours: { fri: [{ start: '09:00', end: '14:00' }], mon: [{ start: '09:00', end: '14:00' }] },
      breaks: [{ start: '12:00', end: '13:00' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('America/New_York');
    expect(res.body.slots.map((s: any) => s.start)).toEqual(
      expect.arrayContaining(['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z']),
    );
    const starts: string[] = res.body.slots.map((s: any) => s.start);
    // Friday (EST, UTC-5) 09, 10, 11, 13; Monday (EDT, UTC-4) 09, 11, 13 — 10 is busy, 12 is lunch.
    expect(starts).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-06T15:00:00.000Z',
      '2026-03-06T16:00:00.000Z',
      '2026-03-06T18:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
      '2026-03-09T17:00:00.000Z',
    ]);
    const freeBusy = google.requests({ method: 'POST', path: '/calendar/v3/freeBusy' }).pop()!;
    expect(freeBusy.body).toMatchObject({ timeZone: 'America/New_York', items: [{ id: 'primary' }] });

    const bad = await ws.post('/v1/calendar/availability', {
      from: '2026-03-06T00:00:00Z',
      to: '2026-03-10T00:00:00Z',
      slotMinutes: 60,
      workingHours: { funday: [{ start: '09:00', end: '10:00' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('workingHours.funday');
  });

  it('incremental sync: a sync token, 410 → full sync; a revoked grant → needs_reauth and an alert event', async () => {
    const ws = await connected();
    const sync = async () => {
      const before = (await ws.get(`/v1/calendar/connections/${ws.connectionId}`)).body.lastSyncedAt;
      expect((await ws.post(`/v1/calendar/connections/${ws.connectionId}/sync`, {})).status).toBe(202);
      return waitFor(
        async () => {
          const c = (await ws.get(`/v1/calendar/connections/${ws.connectionId}`)).body;
          return (c.lastSyncedAt !== before || c.lastError || c.status !== 'active') && c;
        },
        10_000,
        'a sync',
      );
    };
    const external = google.addEvent('primary', {
      summary: 'Reunião',
      start: { dateTime: new Date(Date.now() + 3600_000).toISOString() },
      end: { dateTime: new Date(Date.now() + 7200_000).toISOString() },
    });
    await sync();
    const mirrored = await ws.get('/v1/calendar/events');
    expect(mirrored.body.data.map((e: any) => e.googleEventId)).toContain(external.id);
    const lists = () => google.requests({ method: 'GET', path: '/calendar/v3/calendars/primary/events' });
    expect(lists().pop()!.query.syncToken).toBeUndefined();

    google.deleteEvent('primary', external.id);
    await sync();
    expect(lists().pop()!.query.syncToken).toMatch(/^sync_/);
    expect((await ws.get('/v1/calendar/events')).body.data.map((e: any) => e.googleEventId)).not.toContain(
      external.id,
    );

    google.expireSyncTokens();
    const moved = google.addEvent('primary', {
      summary: 'Nova',
      start: { dateTime: new Date(Date.now() + 3 * 3600_000).toISOString() },
      end: { dateTime: new Date(Date.now() + 4 * 3600_000).toISOString() },
    });
    const n = lists().length;
    const after = await sync();
    expect(after.lastError).toBeNull();
    const [gone, full] = lists().slice(n);
    expect(gone.query.syncToken).toMatch(/^sync_/);
    expect(full.query.syncToken).toBeUndefined();
    expect((await ws.get('/v1/calendar/events')).body.data.map((e: any) => e.googleEventId)).toContain(
      moved.id,
    );

    google.revokeAll();
    const revoked = await sync();
    expect(revoked.status).toBe('needs_reauth');
    expect(revoked.lastError).toMatch(/invalid_grant|401/);
    const alerts = await ws.get('/v1/events?type=calendar.connection.needs_reauth');
    expect(alerts.body.data).toEqual([expect.objectContaining({ type: 'calendar.connection.needs_reauth' })]);
    const refused = await ws.post('/v1/calendar/events', {
      startsAt: '2026-06-01T10:00:00Z',
      endsAt: '2026-06-01T11:00:00Z',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CALENDAR_NOT_CONNECTED');
  });

  it('workflow actions: calendar.createEvent books once per step; a conflict fails the step with its code', async () => {
    const ws = await connected();
    const wf = await ws.post('/v1/workflows', {
      key: 'visit-to-calendar',
      name: 'Visits into the calendar',
      trigger: { event: 'visit.requested' },
      steps: [
        {
          id: 'book',
          type: 'action',
          name: 'calendar.createEvent',
          input:
            '{"summary": "Visita — " & event.data.client, "startsAt": event.data.at, "endsAt": $fromMillis($toMillis(event.data.at) + 3600000)}',
        },
      ],
    });
    expect(wf.status).toBe(201);
    const visit = (client: string) =>
      ws.post('/v1/events', { type: 'visit.requested', data: { client, at: '2026-08-03T13:00:00.000Z' } });
    expect((await visit('Ana')).status).toBe(202);
    const event = await waitFor(
      async () => google.events().find((e) => e.summary === 'Visita — Ana'),
      10_000,
      'the visit in Google',
    );
    expect(event.end.dateTime).toBe('2026-08-03T14:00:00.000Z');
    expect((await visit('Bruno')).status).toBe(202);
    const failed = await waitFor(
      async () => {
        const list = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data;
        return list.find((e: any) => e.status === 'failed');
      },
      10_000,
      'the failed execution',
    );
    expect((await ws.get(`/v1/executions/${failed.id}`)).body.error).toMatch(/CALENDAR_CONFLICT/);
    expect(google.events().filter((e) => e.summary?.startsWith('Visita'))).toHaveLength(1);
  });

  it('a service account (JWT signed with its key) books into a Workspace calendar', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = 'ponte@clinica-1234.iam.gserviceaccount.com';
    google.registerServiceAccount(email, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    google.addCalendar('agenda@clinica.com.br');
    const ws = await workspaceHarness(t);
    const created = await ws.post('/v1/calendar/connections', {
      kind: 'service_account',
      calendarIds: ['agenda@clinica.com.br'],
      serviceAccount: {
        client_email: email,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('active');
    expect(JSON.stringify(created.body)).not.toMatch(/PRIVATE KEY/);
    const event = await ws.post('/v1/calendar/events', {
      summary: 'Avaliação',
      startsAt: '2026-07-01T13:00:00Z',
      endsAt: '2026-07-01T14:00:00Z',
    });
    expect(event.status).toBe(201);
    await waitFor(
      async () => google.events('agenda@clinica.com.br').some((e) => e.id === event.body.googleEventId),
      10_000,
      'the event in the Workspace calendar',
    );
    const token = google.requests({ method: 'POST', path: '/token' }).pop()!;
    expect(token.body.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  });
});
