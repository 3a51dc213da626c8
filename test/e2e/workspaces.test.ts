import { DataSource } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { WorkspacesService } from '../../src/gateway/workspaces/workspaces.service';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import { waitFor } from '../support/private-redis';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';
import { TestApp } from '../support/test-app';

describe('workspaces: own workspace, business details in templates, lists newest first', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startListeningApp();
  });
  afterAll(() => t.close());

  it('renames the default workspace and sets its business details; GET /v1/workspace shows them', async () => {
    const own = await t.http().get('/v1/workspace').set(t.auth());
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ slug: 'default', businessName: null, timeZone: 'America/Sao_Paulo' });
    const details = {
      name: 'Clínica Sorriso',
      businessName: 'Clínica Sorriso Ltda',
      timeZone: 'America/Manaus',
      locale: 'pt-BR',
      address: 'Rua da Bahia, 1148',
    };
    const patched = await t.http().patch(`/v1/workspaces/${own.body.id}`).set(t.auth()).send(details);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: own.body.id, slug: 'default', ...details });
    expect((await t.http().get('/v1/workspace').set(t.auth())).body).toEqual(patched.body);
  });

  it('lets a workspace admin change its own workspace only, and validates', async () => {
    const ws = await workspaceHarness(t);
    const mine = (await ws.get('/v1/workspace')).body;
    const patch = (id: string, body: object, key = ws.key) =>
      t.http().patch(`/v1/workspaces/${id}`).set(t.auth(key)).send(body);
    expect((await patch(mine.id, { businessName: 'Barbearia do Zé' })).body.businessName).toBe(
      'Barbearia do Zé',
    );
    const defaultId = (await t.http().get('/v1/workspace').set(t.auth())).body.id;
    expect((await patch(defaultId, { name: 'taken over' })).status).toBe(404);
    const bad = await patch(mine.id, { timeZone: 'Mars/Olympus', locale: 'not a locale!' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['locale', 'timeZone']);
    const reader = await ws.post('/v1/api-keys', { name: 'reader', scopes: ['notifications:read'] });
    expect((await patch(mine.id, { name: 'x' }, reader.body.key)).status).toBe(403);
  });

  it('gives templates the business name of the workspace when the data has none', async () => {
    const ws = await workspaceHarness(t);
    const mine = (await ws.get('/v1/workspace')).body;
    await t
      .http()
      .patch(`/v1/workspaces/${mine.id}`)
      .set(t.auth(ws.key))
      .send({ businessName: 'Pet Shop Au' });
    const to = '+5531988887777';
    const id = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'Ana' },
    });
    await ws.until(id, 'delivered');
    const listed = (await ws.get(`/v1/sandbox/messages?channel=whatsapp&to=${encodeURIComponent(to)}`)).body
      .data;
    expect(listed).toEqual([
      expect.objectContaining({ notificationId: id, text: expect.stringContaining('Pet Shop Au') }),
    ]);
    // What the request gives wins.
    const own = await ws.send({
      to: { phone: to },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'Ana', businessName: 'Filial Centro' },
    });
    await ws.until(own, 'delivered');
    const again = (await ws.get(`/v1/sandbox/messages?channel=whatsapp&to=${encodeURIComponent(to)}`)).body
      .data;
    expect(again[0]).toMatchObject({ notificationId: own, text: expect.stringContaining('Filial Centro') });
  });

  it('lists notifications newest first even when an older one has a name-based id', async () => {
    const ws = await workspaceHarness(t);
    const workspaceId = (await ws.get('/v1/workspace')).body.id as string;
    // What a workflow step does: a derived id, here one that sorts above any UUIDv7.
    const derived = uuidv5('execution/step/whatsapp', 'f0000000-0000-5000-8000-000000000000');
    const older = await t.app.get(NotificationsService).sendFor(
      workspaceId,
      {
        to: { phone: '+5531977776666' },
        channels: ['whatsapp'],
        template: 'lead-welcome',
        data: { name: 'A' },
      },
      { id: `f${derived.slice(1)}` },
    );
    t.clock.advance(1000);
    const newer = await ws.send({
      to: { phone: '+5531977776666' },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'B' },
    });
    t.clock.advance(1000);
    const newest = await ws.send({
      to: { phone: '+5531977776666' },
      channels: ['whatsapp'],
      template: 'lead-welcome',
      data: { name: 'C' },
    });
    t.clock.reset();
    const all = (await ws.get('/v1/notifications?limit=50')).body.data.map((n: { id: string }) => n.id);
    expect(all).toEqual([newest, newer, older.id]);
    // Page by page, the cursor keeps the same order.
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await ws.get(`/v1/notifications?limit=1${query}`)).body;
      pages.push(...page.data.map((n: { id: string }) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all);
    await waitFor(
      async () => (await ws.notification(newest)).status !== 'queued',
      15_000,
      'the sends to settle',
    );
  });

  it("keeps a workspace's business details for 30 s on the clock: another instance's change shows after that", async () => {
    const ws = await t.app.get(WorkspacesService).create({ name: `cached-${Math.random()}` });
    const profiles = t.app.get(WorkspacesService);
    expect((await profiles.profileOf(ws.id)).businessName).toBe(ws.name);
    // Changed by another instance: this one's copy holds until it expires.
    await t.app
      .get(DataSource)
      .query(`UPDATE workspaces SET business_name = 'Padaria Nova' WHERE id = $1`, [ws.id]);
    expect((await profiles.profileOf(ws.id)).businessName).toBe(ws.name);
    t.clock.advance(30_001);
    expect((await profiles.profileOf(ws.id)).businessName).toBe('Padaria Nova');
  });
});
