import { DataSource } from 'typeorm';
import { waitFor } from '../support/private-redis';
import { DlqService } from '../../src/events/dlq/dlq.service';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

describe('gateway: credentials, scopes, workspaces, isolation', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The isolation sweep alone makes well over 60 requests with one key.
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => t.close());

  const createKey = async (key: string, scopes: string[], extra: object = {}) => {
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth(key))
      .send({ name: 'k', scopes, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string };
  };

  it('refuses missing and unknown credentials with 401 UNAUTHENTICATED', async () => {
    const none = await t.http().get('/v1/api-keys');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    expect((await t.http().get('/v1/api-keys').set(t.auth('pk_unknown_key_000000000000'))).status).toBe(401);
    expect((await t.http().get('/v1/api-keys').set({ Authorization: 'Bearer a.b.c' })).status).toBe(401);
    expect((await t.http().get('/v1/api-keys').set({ Authorization: 'Basic eDp5' })).status).toBe(401);
  });

  it('accepts the key as Bearer and as X-API-Key, and never shows the key again', async () => {
    const created = await createKey(ADMIN_KEY, ['events:write']);
    expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    const list = await t.http().get('/v1/api-keys').set({ 'X-API-Key': ADMIN_KEY });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    const one = await t.http().get(`/v1/api-keys/${created.id}`).set(t.auth());
    expect(one.body).toMatchObject({
      id: created.id,
      scopes: ['events:write'],
      prefix: created.key.slice(0, 11),
    });
    expect(one.body.key).toBeUndefined();
  });

  it('answers 403 FORBIDDEN_SCOPE when the key lacks the scope, and refuses scope escalation', async () => {
    const weak = await createKey(ADMIN_KEY, ['events:write']);
    const res = await t.http().get('/v1/api-keys').set(t.auth(weak.key));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN_SCOPE');
    expect((await t.http().get('/v1/workspaces').set(t.auth(weak.key))).status).toBe(403);
    const admin = await createKey(ADMIN_KEY, ['admin']);
    const escalate = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth(admin.key))
      .send({ name: 'x', scopes: ['platform:admin'] });
    expect(escalate.status).toBe(403);
  });

  it('validates key creation', async () => {
    const res = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: '', scopes: ['root'], rateLimitPerMinute: 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'name',
      'rateLimitPerMinute',
      'scopes',
    ]);
  });

  it('revokes a key at once, on every instance', async () => {
    const second = await startTestApp({ databaseUrl: t.databaseUrl });
    try {
      const victim = await createKey(ADMIN_KEY, ['admin']);
      expect((await second.http().get('/v1/api-keys').set(t.auth(victim.key))).status).toBe(200);
      expect((await t.http().delete(`/v1/api-keys/${victim.id}`).set(t.auth())).status).toBe(204);
      expect((await t.http().get('/v1/api-keys').set(t.auth(victim.key))).status).toBe(401);
      expect((await second.http().get('/v1/api-keys').set(t.auth(victim.key))).status).toBe(401);
      const listed = await t.http().get(`/v1/api-keys/${victim.id}`).set(t.auth());
      expect(listed.body.revokedAt).toEqual(expect.any(String));
    } finally {
      await second.close();
    }
  });

  it('creates workspaces (platform:admin) with a first admin key, and keeps them apart', async () => {
    const res = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Clínica Sorriso' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: 'clinica-sorriso',
      adminKey: { scopes: ['admin'], key: expect.stringMatching(/^pk_/) },
    });
    const dup = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Clínica Sorriso' });
    expect(dup.status).toBe(409);
    const keyB = res.body.adminKey.key as string;
    const listB = await t.http().get('/v1/api-keys').set(t.auth(keyB));
    expect(listB.body.data.map((k: { id: string }) => k.id)).toEqual([res.body.adminKey.id]);
    expect((await t.http().get('/v1/workspaces').set(t.auth(keyB))).status).toBe(403);
  });

  it("answers 404 on every /:id route when workspace B asks for workspace A's objects", async () => {
    // Objects of workspace A (the default one), one per resource that has /:id routes.
    const eventId = (await t.http().post('/v1/events').set(t.auth()).send({ type: 'lead.created', data: {} }))
      .body.id as string;
    const workspaceA = (
      (await t.http().get('/v1/workspaces?limit=200').set(t.auth())).body.data as {
        id: string;
        slug: string;
      }[]
    ).find((w) => w.slug === 'default')!.id;
    await t.app.get(DlqService).deadLetter(() => Promise.resolve(true), {
      workspaceId: workspaceA,
      kind: 'event',
      refId: eventId,
      summary: 'x',
      error: 'y',
      attempts: 1,
    });
    const user = await t
      .http()
      .post('/v1/users')
      .set(t.auth())
      .send({ email: 'a@a.test', password: 'a long password 1', role: 'viewer' });
    const source = await t
      .http()
      .post('/v1/sources')
      .set(t.auth())
      .send({ name: 's', kind: 'standard', config: {} });
    const fixtures: Record<string, string> = {
      '/v1/api-keys/{id}': (await createKey(ADMIN_KEY, ['events:write'])).id,
      '/v1/users/{id}': user.body.id,
      '/v1/sources/{id}': source.body.id,
      '/v1/events/{id}': eventId,
      '/v1/endpoints/{id}': (
        await t
          .http()
          .post('/v1/endpoints')
          .set(t.auth())
          .send({ name: 'e', url: 'http://127.0.0.1:9/x', eventTypes: ['*'] })
      ).body.id,
      '/v1/dlq/{id}': (await t.http().get('/v1/dlq').set(t.auth())).body.data[0].id,
      '/v1/providers/{id}': (
        await t
          .http()
          .post('/v1/providers')
          .set(t.auth())
          .send({ channel: 'sms', kind: 'sandbox', name: 'p', config: {} })
      ).body.id,
      '/v1/notifications/{id}': (
        await t
          .http()
          .post('/v1/notifications')
          .set(t.auth())
          .send({ to: { phone: '+5531992953088' }, channels: ['sms'], content: { body: 'x' } })
      ).body.id,
      '/v1/contacts/{id}': (
        await t.http().post('/v1/contacts').set(t.auth()).send({ phone: '+5531992953099', name: 'A' })
      ).body.id,
    };
    // Conversations come from inbound messages only: one straight into the table.
    const [{ id: conversationId }] = await t.app.get(DataSource).query(
      `INSERT INTO conversations (id, workspace_id, contact_id, business_number, provider, status, unread_count, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'meta:1', 'meta', 'open', 0, now(), now()) RETURNING id`,
      [workspaceA, fixtures['/v1/contacts/{id}']],
    );
    fixtures['/v1/conversations/{id}'] = conversationId;
    // A workspace admin may change its own workspace only: B's admin key must not reach A's.
    fixtures['/v1/workspaces/{id}'] = workspaceA;
    const workflow = await t
      .http()
      .post('/v1/workflows/from-template')
      .set(t.auth())
      .send({ template: 'lead-welcome' });
    fixtures['/v1/workflows/{id}'] = workflow.body.id;
    await t
      .http()
      .post('/v1/events')
      .set(t.auth())
      .send({ type: 'lead.created', data: { name: 'A', phone: '+5531992953077' } });
    fixtures['/v1/executions/{id}'] = await waitFor(
      async () =>
        (await t.http().get(`/v1/workflows/${workflow.body.id}/executions`).set(t.auth())).body.data[0]
          ?.id as string | undefined,
      15_000,
      'an execution',
    );
    // Calendar: an appointment (booked before any connection, so nothing is pushed), a service
    // account connection (no network until used) and a mirrored event straight into the table.
    fixtures['/v1/appointments/{id}'] = (
      await t
        .http()
        .post('/v1/appointments')
        .set(t.auth())
        .send({
          contact: { phone: '+5531992953066' },
          service: 'Corte',
          startsAt: '2030-01-07T12:00:00Z',
          durationMinutes: 30,
        })
    ).body.id;
    const connection = await t
      .http()
      .post('/v1/calendar/connections')
      .set(t.auth())
      .send({
        kind: 'service_account',
        serviceAccount: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: 'k'.repeat(120) },
      });
    fixtures['/v1/calendar/connections/{id}'] = connection.body.id;
    const [{ id: calendarEventId }] = await t.app.get(DataSource).query(
      `INSERT INTO calendar_events (id, workspace_id, connection_id, calendar_id, google_event_id, starts_at, ends_at,
         status, push_state, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'primary', 'abcde12345', now(), now() + interval '1 hour', 'confirmed', 'synced', now(), now())
       RETURNING id`,
      [workspaceA, connection.body.id],
    );
    fixtures['/v1/calendar/events/{id}'] = calendarEventId;
    // Accounting: a connection (no call to Omie until used), and a sync record, a conflict and a
    // sync job straight into their tables.
    const accounting = await t
      .http()
      .post('/v1/accounting/connections')
      .set(t.auth())
      .send({ kind: 'omie', name: 'Omie', config: { appKey: 'k', appSecret: 's' } });
    fixtures['/v1/accounting/connections/{id}'] = accounting.body.id;
    const db = t.app.get(DataSource);
    const [{ id: syncId }] = await db.query(
      `INSERT INTO accounting_syncs (id, workspace_id, connection_id, entity_type, local_id, status, local_hash,
         pending, attempts, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'customer', 'c1', 'failed', 'h', '{}', 1, now(), now()) RETURNING id`,
      [workspaceA, accounting.body.id],
    );
    fixtures['/v1/accounting/syncs/{id}'] = syncId;
    const [{ id: conflictId }] = await db.query(
      `INSERT INTO accounting_conflicts (id, workspace_id, sync_id, connection_id, entity_type, local_id, status,
         local, remote, diff, created_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 'customer', 'c1', 'open', '{}', '{}', '[]', now()) RETURNING id`,
      [workspaceA, syncId, accounting.body.id],
    );
    fixtures['/v1/accounting/conflicts/{id}'] = conflictId;
    const [{ id: syncJobId }] = await db.query(
      `INSERT INTO sync_jobs (id, workspace_id, name, source, target, mapping, key_expression, enabled, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 'j', '{}', '{}', '$', 'id', false, now(), now()) RETURNING id`,
      [workspaceA],
    );
    fixtures['/v1/sync/jobs/{id}'] = syncJobId;
    // Collections: a debt (and its debtor), an import, a campaign and a classified message.
    const debt = await t.http().post('/v1/collections/debts').set(t.auth()).send({
      externalId: 'D-1',
      name: 'Maria Souza',
      document: '529.982.247-25',
      phone: '+5531977100001',
      amountCents: 90000,
      dueDate: '2026-11-10',
    });
    fixtures['/v1/collections/debts/{id}'] = debt.body.id;
    const [{ debtor_id: debtorId }] = await db.query(`SELECT debtor_id FROM collection_debts WHERE id = $1`, [
      debt.body.id,
    ]);
    fixtures['/v1/collections/debtors/{id}'] = debtorId;
    fixtures['/v1/collections/imports/{id}'] = (
      await t
        .http()
        .post('/v1/collections/debtors/import')
        .set(t.auth())
        .send([{ externalId: 'D-2', name: 'João', amountCents: 100, dueDate: '2026-11-10' }])
    ).body.id;
    fixtures['/v1/collections/campaigns/{id}'] = (
      await t
        .http()
        .post('/v1/collections/campaigns')
        .set(t.auth())
        .send({ name: 'Novembro', template: 'Olá {{ name }}', ratePerMinute: 60 })
    ).body.id;
    const [{ id: messageId }] = await db.query(
      `INSERT INTO collection_messages (id, workspace_id, debt_id, provider_message_id, kind, intent, confidence, created_at)
       VALUES (gen_random_uuid(), $1, $2, 'wamid.x', 'text', 'paid', 0.9, now()) RETURNING id`,
      [workspaceA, debt.body.id],
    );
    fixtures['/v1/collections/messages/{id}'] = messageId;
    fixtures['/v1/alerts/rules/{id}'] = (
      await t
        .http()
        .post('/v1/alerts/rules')
        .set(t.auth())
        .send({ preset: 'backup-failed', channels: [{ type: 'webhook', url: 'https://example.com/alerts' }] })
    ).body.id;
    // A body each route accepts, so that the answer is about the id, not the body.
    const bodies: Record<string, object> = {
      '/v1/endpoints/{id}/recover': { since: new Date().toISOString() },
      '/v1/conversations/{id}/messages': { text: 'x' },
      '/v1/contacts/{id}/preferences': { channels: { sms: { marketing: false } } },
      '/v1/workspaces/{id}': { name: 'taken over' },
      '/v1/accounting/conflicts/{id}/resolve': { keep: 'remote' },
      '/v1/collections/messages/{id}/label': { intent: 'paid' },
      '/v1/crm/connections/{id}/lines': { lineId: '1', providerId: '0190a0a0-0000-7000-8000-000000000000' },
    };
    // CRM: a Bitrix24 connection straight into its table (no OAuth server in this app).
    const [{ id: crmConnectionId }] = await t.app.get(DataSource).query(
      `INSERT INTO crm_connections (id, workspace_id, name, status, portal_url, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 'Bitrix24', 'pending', 'https://acme.bitrix24.com.br', now(), now()) RETURNING id`,
      [workspaceA],
    );
    fixtures['/v1/crm/connections/{id}'] = crmConnectionId;
    // Platform-operator routes (backups hold every tenant's data) refuse a workspace key by its
    // scope, 403, before any id is looked at.
    fixtures['/v1/backups/{id}'] = (await t.http().post('/v1/backups').set(t.auth()).send({})).body.id;
    const platformOnly = (p: string) => p.startsWith('/v1/backups/');
    const keyB = (await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Other' })).body.adminKey
      .key as string;
    const doc = (await t.http().get('/docs/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const idRoutes = Object.entries(doc.paths).filter(([path]) => /\{id\}/.test(path));
    expect(idRoutes.length).toBeGreaterThan(0);
    for (const [path, methods] of idRoutes) {
      const prefix = Object.keys(fixtures).find((p) => path.startsWith(p.replace('{id}', '')) || path === p);
      expect({ path, fixture: !!prefix }).toEqual({ path, fixture: true }); // a new /:id route needs a fixture here
      const url = path.replace('{id}', fixtures[prefix!]);
      for (const method of Object.keys(methods)) {
        const body = bodies[path] ?? {};
        const res = await t.http()[method as 'get'](url).set(t.auth(keyB)).send(body);
        expect({ method, path, status: res.status }).toEqual({
          method,
          path,
          status: platformOnly(path) ? 403 : 404,
        });
      }
    }
    // and A's objects are untouched
    expect((await t.http().get(path('/v1/api-keys/{id}', fixtures)).set(t.auth())).body.revokedAt).toBeNull();
  });
});

const path = (p: string, fixtures: Record<string, string>) => p.replace('{id}', fixtures[p]);
