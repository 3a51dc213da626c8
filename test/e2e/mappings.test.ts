import { MappingsService } from '../../src/deliveries/mappings/mappings.service';
import { ExpressionError } from '../../src/platform/expression/expression';
import { startTestApp, TestApp } from '../support/test-app';

describe('mappings (JSONata, versioned per event type and system)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Some 60 requests on one key: above the default limit of 60 a minute.
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, key?: string) =>
    t.http().post('/v1/mappings').set(t.auth(key)).send(body);
  const get = (path: string, key?: string) => t.http().get(path).set(t.auth(key));

  it('creates version 1 then 2; the current is 2 and both are listed as versions', async () => {
    const v1 = await create({ eventType: 'lead.created', system: 'crm', expression: '{ "name": name }' });
    expect(v1.status).toBe(201);
    expect(v1.body).toEqual({
      id: expect.any(String),
      eventType: 'lead.created',
      system: 'crm',
      version: 1,
      expression: '{ "name": name }',
      createdAt: expect.any(String),
    });
    const v2 = await create({ eventType: 'lead.created', system: 'crm', expression: '{ "nome": name }' });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);

    const current = await get('/v1/mappings/lead.created/crm');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: v2.body.id, version: 2, expression: '{ "nome": name }' });

    const versions = await get('/v1/mappings/lead.created/crm/versions');
    expect(versions.status).toBe(200);
    expect(versions.body.data.map((m: { version: number }) => m.version)).toEqual([2, 1]);
    expect(versions.body.nextCursor).toBeNull();
    const first = await get('/v1/mappings/lead.created/crm/versions?limit=1');
    expect(first.body.data.map((m: { version: number }) => m.version)).toEqual([2]);
    const second = await get(
      `/v1/mappings/lead.created/crm/versions?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toEqual({ data: [expect.objectContaining({ version: 1 })], nextCursor: null });

    // Another system is another mapping; the list shows the current version of each.
    await create({ eventType: 'lead.created', system: 'erp', expression: 'name' });
    const list = await get('/v1/mappings');
    const pairs = list.body.data.map((m: { system: string; version: number }) => `${m.system}@${m.version}`);
    expect(pairs).toEqual(expect.arrayContaining(['crm@2', 'erp@1']));
    expect(pairs).not.toContain('crm@1');
  });

  it('numbers concurrent creates of one pair 1, 2, 3... without collisions', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        create({ eventType: 'order.paid', system: 'erp', expression: `{ "n": ${i} }` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(answers.map((a) => a.body.version as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses an expression that does not compile: 422 MAPPING_INVALID with position and token', async () => {
    const res = await create({ eventType: 'lead.updated', system: 'crm', expression: '{ "a": ' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'MAPPING_INVALID', position: 7, token: '(end)' });
    expect(res.body.detail).toMatch(/Expected "}"/);
    expect((await get('/v1/mappings/lead.updated/crm')).status).toBe(404);
  });

  it('validates fields and answers 404 for a pair with no mapping', async () => {
    const bad = await create({ eventType: 'Lead Created', system: 'CRM!', expression: 'x'.repeat(10_001) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'eventType',
      'expression',
      'system',
    ]);
    expect((await get('/v1/mappings/lead.created/nowhere')).status).toBe(404);
    expect((await get('/v1/mappings/lead.created/nowhere/versions')).status).toBe(404);
    expect((await get('/v1/mappings/NOT-A-TYPE/crm')).status).toBe(404);
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const send = () =>
      t
        .http()
        .post('/v1/mappings')
        .set(t.auth())
        .set('Idempotency-Key', 'mapping-1')
        .send({ eventType: 'ticket.opened', system: 'helpdesk', expression: 'subject' });
    const a = await send();
    const b = await send();
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotency-replayed']).toBe('true');
    expect((await get('/v1/mappings/ticket.opened/helpdesk/versions')).body.data).toHaveLength(1);
  });

  it('tests an expression on sample data', async () => {
    const res = await t
      .http()
      .post('/v1/mappings/test')
      .set(t.auth())
      .send({ expression: '{ "nome": data.name }', data: { data: { name: 'Ana' } } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ output: { nome: 'Ana' } });
    const nothing = await t
      .http()
      .post('/v1/mappings/test')
      .set(t.auth())
      .send({ expression: 'x', data: {} });
    expect(nothing.body).toEqual({ output: null });
  });

  it('answers 422 MAPPING_INVALID with the position for a broken, failing or runaway expression', async () => {
    const test = (expression: string, data: unknown = {}) =>
      t.http().post('/v1/mappings/test').set(t.auth()).send({ expression, data });
    const broken = await test('{ "a": ');
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({ code: 'MAPPING_INVALID', position: 7 });

    const failing = await test('$sum(name)', { name: 'Ana' });
    expect(failing.status).toBe(422);
    expect(failing.body).toMatchObject({ code: 'MAPPING_INVALID', position: 5, token: 'sum' });

    let healthAt = 0;
    const [runaway] = await Promise.all([
      test('($f := function($x){ $f($x) }; $f(1))'),
      t
        .http()
        .get('/health')
        .then(() => (healthAt = Date.now())),
    ]);
    expect(healthAt).toBeGreaterThan(0); // answered while the runaway ran
    expect(runaway.status).toBe(422);
    expect(runaway.body).toMatchObject({ code: 'MAPPING_INVALID', expressionCode: 'TIMEOUT' });
    expect(runaway.body.position).toEqual(expect.any(Number));
    // The instance is still answering: the loop did not hold the event loop.
    expect((await t.http().get('/health')).status).toBe(200);
  });

  it('asks deliveries:write to create and test, deliveries:read to read', async () => {
    const reader = (
      await t
        .http()
        .post('/v1/api-keys')
        .set(t.auth())
        .send({ name: 'r', scopes: ['deliveries:read'] })
    ).body.key as string;
    expect((await get('/v1/mappings', reader)).status).toBe(200);
    expect((await get('/v1/mappings/lead.created/crm', reader)).status).toBe(200);
    expect(
      (await create({ eventType: 'lead.created', system: 'crm', expression: 'name' }, reader)).status,
    ).toBe(403);
    const tested = await t
      .http()
      .post('/v1/mappings/test')
      .set(t.auth(reader))
      .send({ expression: 'name', data: {} });
    expect(tested.status).toBe(403);
  });

  it('keeps workspaces apart', async () => {
    const other = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Outra Clínica' });
    const key = other.body.adminKey.key as string;
    expect((await get('/v1/mappings/lead.created/crm', key)).status).toBe(404);
    expect((await get('/v1/mappings', key)).body.data).toEqual([]);
    const theirs = await create({ eventType: 'lead.created', system: 'crm', expression: '"theirs"' }, key);
    expect(theirs.body.version).toBe(1);
    expect((await get('/v1/mappings/lead.created/crm')).body.version).toBe(2);
  });

  it('transforms delivery data with the current mapping, and leaves it alone without one', async () => {
    const mappings = t.app.get(MappingsService);
    const workspaces = (await get('/v1/workspaces')).body.data as Array<{ id: string; slug: string }>;
    const ws = workspaces.find((w) => w.slug === 'default')!.id;
    const lead = { name: 'Ana', phone: '+5531992953088' };

    await create({ eventType: 'lead.qualified', system: 'crm', expression: '{ "nome": name }' });
    expect(await mappings.transform(ws, 'lead.qualified', 'crm', lead)).toEqual({ nome: 'Ana' });
    expect(await mappings.transform(ws, 'lead.qualified', 'erp', lead)).toBe(lead);
    // A new version applies at once in this process (the short cache is dropped on create).
    await create({ eventType: 'lead.qualified', system: 'crm', expression: '{ "telefone": phone }' });
    expect(await mappings.transform(ws, 'lead.qualified', 'crm', lead)).toEqual({
      telefone: '+5531992953088',
    });

    await create({ eventType: 'lead.qualified', system: 'crm', expression: '$sum(name)' });
    const failure = mappings.transform(ws, 'lead.qualified', 'crm', lead);
    await expect(failure).rejects.toBeInstanceOf(ExpressionError);
    await expect(failure).rejects.toMatchObject({ code: 'T0412', message: expect.stringMatching(/crm v3/) });
  });

  it('answers a catastrophic regex with an expression error while /health keeps answering', async () => {
    // The probe's exact request: 17 s of a frozen event loop at 30 characters, minutes at 40.
    const test = t
      .http()
      .post('/v1/mappings/test')
      .set(t.auth())
      .send({ expression: '$match(a, /(a+)+$/)', data: { a: `${'a'.repeat(40)}!` } })
      .then((r) => r);
    let healthChecks = 0;
    let settled = false;
    void test.finally(() => (settled = true));
    while (!settled) {
      expect((await t.http().get('/health')).status).toBe(200);
      healthChecks++;
    }
    const res = await test;
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'MAPPING_INVALID', expressionCode: 'TIMEOUT' });
    expect(healthChecks).toBeGreaterThan(1);
    // A sound regex in a stored mapping still maps.
    const sound = await create({
      eventType: 'lead.phone',
      system: 'crm',
      expression: '{ "digits": $replace(phone, /\\D/, "") }',
    });
    expect(sound.status).toBe(201);
    const workspaces = (await get('/v1/workspaces')).body.data as Array<{ id: string; slug: string }>;
    const ws = workspaces.find((w) => w.slug === 'default')!.id;
    const mapped = await t.app
      .get(MappingsService)
      .transform(ws, 'lead.phone', 'crm', { phone: '+55 (31) 9' });
    expect(mapped).toEqual({ digits: '55319' });
  }, 60_000);
});
