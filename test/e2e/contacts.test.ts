import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContactsService } from '../../src/notifications/contacts/contacts.service';
import {
  type DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../src/platform/personal-data/personal-data';
import { startTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A module's part, declared as the lead's modules declare theirs. */
@Injectable()
class ProbePart {
  static erasedWith: DataSubject[] = [];

  @ExportsPersonalData('probe')
  export(_ws: string, contact: DataSubject): Promise<unknown> {
    return Promise.resolve({ phoneSeen: contact.phone });
  }

  @ErasesPersonalData('probe')
  erase(_ws: string, contact: DataSubject): Promise<number> {
    ProbePart.erasedWith.push({ ...contact });
    return Promise.resolve(2);
  }
}

@Module({ providers: [ProbePart] })
class ProbePartModule {}

describe('contacts: upsert, search, preferences and the consent log, LGPD export and erasure', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' }, imports: [ProbePartModule] });
  });
  afterAll(() => t.close());

  /** A workspace of its own: its id, its admin key's id, and calls with that key. */
  async function workspace() {
    const res = await t
      .http()
      .post('/v1/workspaces')
      .set(t.auth())
      .send({ name: `ws-${Math.random()}` });
    expect(res.status).toBe(201);
    const key = res.body.adminKey.key as string;
    const as = (k = key) => ({
      post: (path: string, body: object, headers: Record<string, string> = {}) =>
        t.http().post(path).set(t.auth(k)).set(headers).send(body),
      patch: (path: string, body: object) => t.http().patch(path).set(t.auth(k)).send(body),
      put: (path: string, body: object) => t.http().put(path).set(t.auth(k)).send(body),
      get: (path: string) => t.http().get(path).set(t.auth(k)),
      del: (path: string) => t.http().delete(path).set(t.auth(k)),
    });
    const keyWith = async (scopes: string[]) => {
      const r = await as().post('/v1/api-keys', { name: scopes.join(' '), scopes });
      expect(r.status).toBe(201);
      return as(r.body.key as string);
    };
    const create = async (body: object) => {
      const r = await as().post('/v1/contacts', body);
      expect(r.status).toBe(201);
      return r.body as { id: string; [k: string]: unknown };
    };
    return { id: res.body.id as string, keyId: res.body.adminKey.id as string, ...as(), as, keyWith, create };
  }

  it('upserts by externalId: 201 when created, 200 when it updated the same contact', async () => {
    const ws = await workspace();
    const first = await ws.post('/v1/contacts', {
      externalId: 'crm-1',
      name: 'Maria Souza',
      phone: '(31) 99295-3088',
      tags: ['vip'],
      attributes: { plano: 'ouro' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.stringMatching(UUID),
      externalId: 'crm-1',
      name: 'Maria Souza',
      phone: '+5531992953088',
      waId: null,
      tags: ['vip'],
      attributes: { plano: 'ouro' },
      preferences: {},
      quietHours: null,
    });
    const again = await ws.post('/v1/contacts', { externalId: 'crm-1', email: 'Maria@Example.COM' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      name: 'Maria Souza',
      email: 'maria@example.com',
      phone: '+5531992953088',
    });
  });

  it('upserts by phone: the old 8-digit form and the waId find the same contact; waId kept as given', async () => {
    const ws = await workspace();
    const c = await ws.create({ phone: '+5531992953088', name: 'João' });
    const byWaId = await ws.post('/v1/contacts', { waId: '553192953088' });
    expect(byWaId.status).toBe(200);
    expect(byWaId.body).toMatchObject({
      id: c.id,
      phone: '+5531992953088',
      waId: '553192953088',
      name: 'João',
    });
    const byOldPhone = await ws.post('/v1/contacts', { phone: '553192953088', locale: 'pt-BR' });
    expect(byOldPhone.status).toBe(200);
    expect(byOldPhone.body).toMatchObject({ id: c.id, locale: 'pt-BR', waId: '553192953088' });
    // An unknown externalId with a known phone adopts the contact.
    const adopt = await ws.post('/v1/contacts', { externalId: 'erp-9', phone: '31992953088' });
    expect(adopt.status).toBe(200);
    expect(adopt.body).toMatchObject({ id: c.id, externalId: 'erp-9' });
    // ...but a phone held under another externalId is a conflict, not a merge.
    const clash = await ws.post('/v1/contacts', { externalId: 'erp-10', phone: '+5531992953088' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'CONFLICT', contactId: c.id });
  });

  it('refuses an invalid phone, an empty body and unknown fields', async () => {
    const ws = await workspace();
    const bad = await ws.post('/v1/contacts', { phone: '12345', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['phone']);
    expect((await ws.post('/v1/contacts', { name: 'Only a name' })).status).toBe(400);
    expect((await ws.post('/v1/contacts', { phone: '+5531992953088', cpf: '1' })).status).toBe(400);
    expect((await ws.post('/v1/contacts', { waId: 'abc' })).body.errors[0].field).toBe('waId');
  });

  it('concurrent upserts of one phone (API and inbound messages) make one contact', async () => {
    const ws = await workspace();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ws.post('/v1/contacts', { phone: i % 2 ? '553188887777' : '+5531988887777' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);

    const contacts = t.app.get(ContactsService);
    const inbound = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        contacts.upsertFromChannel(ws.id, { waId: i % 2 ? '553177776666' : '5531977776666', name: 'Ana' }),
      ),
    );
    expect(new Set(inbound.map((c) => c.id)).size).toBe(1);
    const byEmail = await Promise.all(
      Array.from({ length: 4 }, () => contacts.upsertFromChannel(ws.id, { email: 'Ana@Example.com' })),
    );
    expect(new Set(byEmail.map((c) => c.id)).size).toBe(1);
  });

  it('upsertFromChannel keeps the waId as given, updates it when it changes, fills the name only when empty', async () => {
    const ws = await workspace();
    const contacts = t.app.get(ContactsService);
    const a = await contacts.upsertFromChannel(ws.id, { waId: '5531992953088', name: 'Maria' });
    expect(a).toMatchObject({ phone: '+5531992953088', waId: '5531992953088', name: 'Maria' });
    const b = await contacts.upsertFromChannel(ws.id, { waId: '553192953088', name: 'Maria Z-API' });
    expect(b).toMatchObject({ id: a.id, waId: '553192953088', name: 'Maria' });
    expect((await contacts.find(ws.id, a.id))?.waId).toBe('553192953088');
    expect((await contacts.findByAddress(ws.id, { phone: '+553192953088' }))?.id).toBe(a.id);
    const twilio = await contacts.upsertFromChannel(ws.id, { phone: 'whatsapp:+5531992953088' });
    expect(twilio.id).toBe(a.id);
    // Tags are what a contact this call creates starts with; a found one keeps its own.
    const again = await contacts.upsertFromChannel(ws.id, { phone: '+5531992953088', tags: ['lead'] });
    expect(again).toMatchObject({ id: a.id, tags: [] });
    const made = await contacts.upsertFromChannel(ws.id, {
      phone: '+5531992950001',
      tags: ['lead', 'vip', 'lead'],
    });
    expect((await contacts.find(ws.id, made.id))?.tags).toEqual(['lead', 'vip']);
    const other = await workspace();
    expect(await contacts.find(other.id, a.id)).toBeNull();
    expect(await contacts.findByAddress(other.id, { phone: '+5531992953088' })).toBeNull();
  });

  it('PATCH replaces fields and tags, merges attributes, refuses a phone another contact has', async () => {
    const ws = await workspace();
    const c = await ws.create({
      phone: '+5511912345678',
      name: 'Old',
      tags: ['a', 'b'],
      attributes: { x: 1, y: 2 },
    });
    const other = await ws.create({ phone: '+5511987654321' });
    const r = await ws.patch(`/v1/contacts/${c.id}`, {
      name: null,
      tags: ['c'],
      attributes: { y: null, z: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: c.id, name: null, tags: ['c'], attributes: { x: 1, z: 3 } });
    expect(r.body.attributes).not.toHaveProperty('y');
    const clash = await ws.patch(`/v1/contacts/${c.id}`, { phone: '11 98765-4321' });
    expect(clash.status).toBe(409);
    expect(clash.body.contactId).toBe(other.id);
    expect((await ws.patch(`/v1/contacts/${c.id}`, { phone: 'not a phone' })).status).toBe(400);
    expect((await ws.get(`/v1/contacts/${c.id}`)).body.phone).toBe('+5511912345678');
  });

  it('lists newest first, searches name, phone digits, e-mail and externalId, filters by tag', async () => {
    const ws = await workspace();
    const maria = await ws.create({ name: 'Maria Souza', phone: '+5531992953088', tags: ['vip'] });
    const joao = await ws.create({
      name: 'João Lima',
      email: 'joao@lima.dev',
      externalId: 'crm_42',
      tags: ['vip', 'sp'],
    });
    const ana = await ws.create({ name: 'Ana', phone: '+5521988776655', tags: ['sp'] });
    const ids = async (q: string) => {
      const r = await ws.get(`/v1/contacts${q}`);
      expect(r.status).toBe(200);
      return r.body.data.map((c: { id: string }) => c.id);
    };
    expect(await ids('')).toEqual([ana.id, joao.id, maria.id]);
    expect(await ids('?search=souza')).toEqual([maria.id]);
    expect(await ids('?search=99295')).toEqual([maria.id]);
    expect(await ids(`?search=${encodeURIComponent('(31) 9295-3088')}`)).toEqual([maria.id]);
    expect(await ids('?search=LIMA.DEV')).toEqual([joao.id]);
    expect(await ids('?search=crm_42')).toEqual([joao.id]);
    expect(await ids('?search=%25')).toEqual([]);
    expect(await ids('?tag=vip')).toEqual([joao.id, maria.id]);
    expect(await ids('?tag=sp&search=ana')).toEqual([ana.id]);
    const page = await ws.get('/v1/contacts?limit=2');
    expect(page.body.data).toHaveLength(2);
    const rest = await ws.get(`/v1/contacts?limit=2&cursor=${page.body.nextCursor}`);
    expect(rest.body).toMatchObject({ data: [{ id: maria.id }], nextCursor: null });
  });

  it('PUT preferences logs one consent change per change and none for an unchanged PUT', async () => {
    const ws = await workspace();
    const c = await ws.create({ phone: '+5531991112222' });
    const body = {
      channels: { whatsapp: { marketing: false }, email: { marketing: false, transactional: true } },
      quietHours: { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' },
    };
    const r = await ws.put(`/v1/contacts/${c.id}/preferences`, body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(body);
    const log = async () => (await ws.get(`/v1/contacts/${c.id}/consent`)).body.data;
    expect(await log()).toHaveLength(4);
    expect(await log()).toContainEqual(
      expect.objectContaining({
        channel: 'whatsapp',
        category: 'marketing',
        optedIn: false,
        source: 'api',
        detail: ws.keyId,
      }),
    );
    expect(await log()).toContainEqual(
      expect.objectContaining({ channel: 'quietHours', category: null, optedIn: null }),
    );

    expect((await ws.put(`/v1/contacts/${c.id}/preferences`, body)).status).toBe(200);
    expect(await log()).toHaveLength(4);

    // Pairs left out keep their value; null removes quiet hours.
    const next = await ws.put(`/v1/contacts/${c.id}/preferences`, {
      channels: { whatsapp: { marketing: true } },
      quietHours: null,
    });
    expect(next.body).toEqual({
      channels: { whatsapp: { marketing: true }, email: { marketing: false, transactional: true } },
      quietHours: null,
    });
    const entries = await log();
    expect(entries).toHaveLength(6);
    expect(
      entries
        .slice(0, 2)
        .map((e: { channel: string }) => e.channel)
        .sort(),
    ).toEqual(['quietHours', 'whatsapp']);
    expect((await ws.get(`/v1/contacts/${c.id}`)).body.preferences).toEqual(next.body.channels);

    // An opt-out message, as the lead's handler will record it.
    const contacts = t.app.get(ContactsService);
    const change = {
      channel: 'whatsapp',
      category: 'marketing',
      optedIn: false,
      source: 'message',
      detail: 'wamid.X',
    } as const;
    expect(await contacts.setConsent(ws.id, c.id, change)).toBe(true);
    expect(await contacts.setConsent(ws.id, c.id, change)).toBe(false);
    expect((await log())[0]).toMatchObject({ source: 'message', detail: 'wamid.X', optedIn: false });
  });

  it('refuses a bad time zone, a bad time, equal start and end, an unknown channel', async () => {
    const ws = await workspace();
    const c = await ws.create({ phone: '+5531991113333' });
    const put = (b: object) => ws.put(`/v1/contacts/${c.id}/preferences`, b);
    const fields = async (b: object) => {
      const r = await put(b);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    expect(
      await fields({ quietHours: { start: '21:00', end: '08:00', timeZone: 'America/Belo_Horizonte' } }),
    ).toEqual(['quietHours.timeZone']);
    expect(await fields({ quietHours: { start: '25:00', end: '8:00', timeZone: 'UTC' } })).toEqual([
      'quietHours.start',
      'quietHours.end',
    ]);
    expect(await fields({ quietHours: { start: '08:00', end: '08:00', timeZone: 'UTC' } })).toEqual([
      'quietHours.end',
    ]);
    expect(await fields({ channels: { telegram: { marketing: false } } })).toEqual(['channels.telegram']);
    expect(await fields({ channels: { sms: { marketing: 'no' } } })).toEqual(['channels.sms.marketing']);
    expect((await ws.get(`/v1/contacts/${c.id}/consent`)).body.data).toEqual([]);
  });

  it('export holds the contact, its consent log and every registered part', async () => {
    const ws = await workspace();
    const c = await ws.create({ phone: '+5531994445555', name: 'Maria' });
    await ws.put(`/v1/contacts/${c.id}/preferences`, { channels: { sms: { marketing: false } } });
    const r = await ws.get(`/v1/contacts/${c.id}/export`);
    expect(r.status).toBe(200);
    // Other modules (conversations, notifications, events...) add their parts beside these.
    expect(r.body).toMatchObject({
      contact: expect.objectContaining({ id: c.id, phone: '+5531994445555', name: 'Maria' }),
      consent: [expect.objectContaining({ channel: 'sms', category: 'marketing', optedIn: false })],
      probe: { phoneSeen: '+5531994445555' },
    });
  });

  it('erasure blanks the Idempotency-Key replay that copied the contact, and the replay still holds', async () => {
    const ws = await workspace();
    const body = { phone: '+5531993332222', email: 'rita@example.com', name: 'Rita' };
    const headers = { 'Idempotency-Key': 'create-rita' };
    const created = await ws.post('/v1/contacts', body, headers);
    expect(created.status).toBe(201);
    const exported = await ws.get(`/v1/contacts/${created.body.id}/export`);
    expect(exported.body.idempotentReplays).toEqual([
      expect.objectContaining({
        key: 'create-rita',
        status: 201,
        body: expect.objectContaining({ email: 'rita@example.com' }),
      }),
    ]);
    expect((await ws.del(`/v1/contacts/${created.body.id}`)).status).toBe(204);
    const db = t.app.get(DataSource);
    const rows = await db.query(`SELECT response_body FROM idempotency_keys WHERE workspace_id = $1`, [
      ws.id,
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/93332222|rita/i);
    // The client's retry is still a replay: no second contact.
    const retry = await ws.post('/v1/contacts', body, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ erased: true });
    expect((await ws.get('/v1/contacts')).body.data).toEqual([]);
  });

  it('DELETE erases: parts see the contact as it was, the row is blanked, then everything is 404', async () => {
    const ws = await workspace();
    const c = await ws.create({
      externalId: 'crm-7',
      name: 'Maria',
      phone: '+5531996667777',
      waId: '553196667777',
      email: 'maria@example.com',
      locale: 'pt-BR',
      tags: ['vip'],
      attributes: { cpf: '123' },
    });
    await ws.put(`/v1/contacts/${c.id}/preferences`, {
      channels: { whatsapp: { marketing: false } },
      quietHours: { start: '22:00', end: '07:00', timeZone: 'America/Sao_Paulo' },
    });
    ProbePart.erasedWith = [];
    const del = await ws.del(`/v1/contacts/${c.id}`);
    expect(del.status).toBe(204);
    expect(ProbePart.erasedWith).toEqual([
      expect.objectContaining({ id: c.id, phone: '+5531996667777', email: 'maria@example.com' }),
    ]);

    for (const path of [
      `/v1/contacts/${c.id}`,
      `/v1/contacts/${c.id}/export`,
      `/v1/contacts/${c.id}/consent`,
    ]) {
      expect((await ws.get(path)).status).toBe(404);
    }
    expect((await ws.patch(`/v1/contacts/${c.id}`, { name: 'x' })).status).toBe(404);
    expect((await ws.put(`/v1/contacts/${c.id}/preferences`, { quietHours: null })).status).toBe(404);
    expect((await ws.del(`/v1/contacts/${c.id}`)).status).toBe(404);
    expect((await ws.get('/v1/contacts')).body.data).toEqual([]);

    const db = t.app.get(DataSource);
    const [row] = await db.query(`SELECT * FROM contacts WHERE id = $1`, [c.id]);
    expect(row).toMatchObject({
      external_id: null,
      name: null,
      phone: null,
      wa_id: null,
      email: null,
      tags: [],
      attributes: {},
      preferences: {},
      quiet_hours: null,
      locale: 'pt-BR',
    });
    expect(row.erased_at).toBeInstanceOf(Date);
    const consent = await db.query(`SELECT * FROM consent_changes WHERE contact_id = $1`, [c.id]);
    expect(consent).toHaveLength(2);
    expect(JSON.stringify(consent)).not.toMatch(/96667777|maria/i);

    // The person writing again is a new contact.
    const again = await ws.post('/v1/contacts', { phone: '+5531996667777' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(c.id);
    expect(await t.app.get(ContactsService).find(ws.id, c.id)).toBeNull();
  });

  it("another workspace's contact is 404 everywhere", async () => {
    const mine = await workspace();
    const theirs = await workspace();
    const c = await theirs.create({ phone: '+5531998889999' });
    for (const path of ['', '/export', '/consent'])
      expect((await mine.get(`/v1/contacts/${c.id}${path}`)).status).toBe(404);
    expect((await mine.patch(`/v1/contacts/${c.id}`, { name: 'x' })).status).toBe(404);
    expect((await mine.put(`/v1/contacts/${c.id}/preferences`, { quietHours: null })).status).toBe(404);
    expect((await mine.del(`/v1/contacts/${c.id}`)).status).toBe(404);
    expect((await mine.get('/v1/contacts/not-a-uuid')).status).toBe(404);
    // The same phone in my workspace is a contact of my own.
    expect((await mine.post('/v1/contacts', { phone: '+5531998889999' })).status).toBe(201);
    expect((await theirs.get(`/v1/contacts/${c.id}`)).body.name).toBeNull();
  });

  it('scopes: contacts:read reads, contacts:write writes, others get 403', async () => {
    const ws = await workspace();
    const c = await ws.create({ phone: '+5531990001111' });
    const reader = await ws.keyWith(['contacts:read']);
    const writer = await ws.keyWith(['contacts:write']);
    const stranger = await ws.keyWith(['events:write']);
    expect((await reader.get(`/v1/contacts/${c.id}`)).status).toBe(200);
    expect((await reader.get(`/v1/contacts/${c.id}/export`)).status).toBe(200);
    expect((await reader.post('/v1/contacts', { phone: '+5531990002222' })).status).toBe(403);
    expect((await reader.put(`/v1/contacts/${c.id}/preferences`, { quietHours: null })).status).toBe(403);
    expect((await reader.del(`/v1/contacts/${c.id}`)).status).toBe(403);
    expect((await writer.get('/v1/contacts')).status).toBe(200);
    expect((await writer.patch(`/v1/contacts/${c.id}`, { name: 'W' })).status).toBe(200);
    const denied = await stranger.get('/v1/contacts');
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN_SCOPE');
  });

  it('honours Idempotency-Key on POST', async () => {
    const ws = await workspace();
    const body = { phone: '+5531993334444', name: 'Ana' };
    const first = await ws.post('/v1/contacts', body, { 'Idempotency-Key': 'contact-1' });
    expect(first.status).toBe(201);
    const replay = await ws.post('/v1/contacts', body, { 'Idempotency-Key': 'contact-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    const reused = await ws.post(
      '/v1/contacts',
      { ...body, name: 'Bia' },
      { 'Idempotency-Key': 'contact-1' },
    );
    expect(reused.status).toBe(422);
  });
});
