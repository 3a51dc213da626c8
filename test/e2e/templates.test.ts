import { BUILTIN_TEMPLATES } from '../../src/notifications/templates/builtin-templates';
import { TemplatesService } from '../../src/notifications/templates/templates.service';
import { startTestApp, TestApp } from '../support/test-app';

interface Item {
  id: string | null;
  key: string;
  channel: string;
  locale: string;
  version: number;
  builtIn: boolean;
}

const EMAIL = {
  key: 'promo-natal',
  channel: 'email',
  subject: 'Feliz Natal, {{ name }}!',
  body: '<p>Olá, {{ name }}! Ganhe {{ discount }}% em {{ service }}.</p>',
};

describe('templates (Liquid, versioned, with pt-BR built-ins)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, key?: string) =>
    t.http().post('/v1/templates').set(t.auth(key)).send(body);
  const get = (path: string, key?: string) => t.http().get(path).set(t.auth(key));
  const preview = (template: string, body: Record<string, unknown>, key?: string) =>
    t.http().post(`/v1/templates/${template}/preview`).set(t.auth(key)).send(body);
  const listAll = async (key?: string): Promise<Item[]> => {
    const res = await get('/v1/templates?limit=200', key);
    expect(res.status).toBe(200);
    return res.body.data as Item[];
  };
  const find = (items: Item[], key: string, channel: string) =>
    items.filter((i) => i.key === key && i.channel === channel);

  it('creates version 1, 2, 3... of (key, channel, locale); the list shows the newest', async () => {
    const v1 = await create(EMAIL);
    expect(v1.status).toBe(201);
    expect(v1.body).toEqual({
      id: expect.any(String),
      key: 'promo-natal',
      channel: 'email',
      locale: 'pt-BR',
      version: 1,
      subject: EMAIL.subject,
      body: EMAIL.body,
      whatsapp: null,
      builtIn: false,
      createdAt: expect.any(String),
    });
    const v2 = await create({ ...EMAIL, subject: 'Boas festas, {{ name }}!' });
    expect(v2.body.version).toBe(2);
    // Another channel or locale is another line of versions.
    expect(
      (await create({ ...EMAIL, channel: 'sms', subject: undefined, body: 'Oi {{ name }}' })).body.version,
    ).toBe(1);
    expect((await create({ ...EMAIL, locale: 'en', subject: 'Merry Christmas' })).body).toMatchObject({
      version: 1,
      locale: 'en',
    });

    const items = await listAll();
    expect(find(items, 'promo-natal', 'email').map((i) => `${i.locale}@${i.version}`)).toEqual([
      'en@1',
      'pt-BR@2',
    ]);
  });

  it('numbers concurrent creates without collisions', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => create({ key: 'race', channel: 'sms', body: `n ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    expect(answers.map((a) => a.body.version as number).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('lists the built-ins beside the workspace’s templates, paged in key order', async () => {
    const items = await listAll();
    expect(find(items, 'appointment-reminder-24h', 'whatsapp')).toEqual([
      expect.objectContaining({ id: null, version: 0, builtIn: true, locale: 'pt-BR', createdAt: null }),
    ]);
    const positions = items.map((i) => `${i.key}/${i.channel}/${i.locale}`);
    expect(positions).toEqual([...positions].sort());
    expect(new Set(positions).size).toBe(positions.length);

    const paged: Item[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v1/templates?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(7);
      paged.push(...(res.body.data as Item[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(paged).toEqual(items);
    expect((await get('/v1/templates?cursor=bm9wZQ')).status).toBe(400);
  });

  it('lets a workspace override a built-in for one channel; the built-in shows among its versions', async () => {
    const own = await create({
      key: 'lead-welcome',
      channel: 'whatsapp',
      body: 'Oi, {{ name }}! Aqui é da {{ businessName }}.',
      whatsapp: { name: 'boas_vindas', language: 'pt-BR', parameters: ['{{ name }}', '{{ businessName }}'] },
    });
    expect(own.status).toBe(201);
    expect(own.body.version).toBe(1);

    const items = await listAll();
    expect(find(items, 'lead-welcome', 'whatsapp')).toEqual([
      expect.objectContaining({ id: own.body.id, builtIn: false, version: 1 }),
    ]);
    expect(find(items, 'lead-welcome', 'sms')).toEqual([expect.objectContaining({ builtIn: true })]);

    const detail = await get('/v1/templates/lead-welcome');
    expect(detail.status).toBe(200);
    expect(detail.body.key).toBe('lead-welcome');
    expect(detail.body.variants.map((v: Item) => `${v.channel}:${v.builtIn}`)).toEqual([
      'whatsapp:false',
      'sms:true',
      'email:true',
    ]);
    const whatsapp = detail.body.variants[0];
    expect(whatsapp.versions).toEqual([expect.objectContaining({ builtIn: true, version: 0, id: null })]);
    expect(whatsapp.whatsapp).toEqual({
      name: 'boas_vindas',
      language: 'pt-BR',
      parameters: ['{{ name }}', '{{ businessName }}'],
    });

    const rendered = await preview('lead-welcome', {
      channel: 'whatsapp',
      data: { name: 'Ana', businessName: 'Clínica Luz' },
    });
    expect(rendered.status).toBe(200);
    expect(rendered.body).toEqual({
      subject: null,
      text: 'Oi, Ana! Aqui é da Clínica Luz.',
      html: null,
      whatsapp: { name: 'boas_vindas', language: 'pt-BR', parameters: ['Ana', 'Clínica Luz'] },
    });
  });

  it('shows every version of a variant, newest first', async () => {
    const detail = await get('/v1/templates/promo-natal');
    const email = detail.body.variants.filter((v: Item) => v.channel === 'email');
    expect(email.map((v: Item) => `${v.locale}@${v.version}`)).toEqual(['en@1', 'pt-BR@2']);
    expect(email[1].versions.map((v: Item) => v.version)).toEqual([1]);
    expect((await get('/v1/templates/no-such-template')).status).toBe(404);
    expect((await get('/v1/templates/Not%20A%20Key')).status).toBe(404);
  });

  it('previews a built-in e-mail, escaping data in the HTML', async () => {
    const res = await preview('appointment-reminder-24h', {
      channel: 'email',
      data: {
        name: '<script>alert(1)</script>',
        service: 'Consulta',
        startsAt: '2026-12-01T13:00:00Z',
        businessName: 'Clínica Luz',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('Lembrete: Consulta amanhã às 10:00');
    expect(res.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body.html).not.toContain('<script>');
    expect(res.body.text).toMatch(/^Olá, <script>alert\(1\)<\/script>!/);
    expect(res.body.whatsapp).toBeNull();
  });

  it('answers 422 TEMPLATE_VARIABLES_MISSING listing every missing variable', async () => {
    const res = await preview('promo-natal', { channel: 'email', data: { name: 'Ana' } });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'TEMPLATE_VARIABLES_MISSING', missing: ['discount', 'service'] });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['data.discount', 'data.service']);

    const none = await preview('appointment-reminder-1h', { channel: 'sms' });
    expect(none.status).toBe(422);
    expect([...none.body.missing].sort()).toEqual(['businessName', 'name', 'service', 'startsAt']);
  });

  it('answers 422 TEMPLATE_NOT_FOUND for a channel the key lacks, and falls back to pt-BR', async () => {
    const res = await preview('race', { channel: 'whatsapp', data: {} });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('TEMPLATE_NOT_FOUND');
    const fallback = await preview('race', { channel: 'sms', locale: 'es', data: {} });
    expect(fallback.status).toBe(200);
    expect(fallback.body.text).toMatch(/^n \d$/);
    expect((await preview('nothing-here', { channel: 'sms' })).status).toBe(404);
  });

  it('refuses Liquid that does not parse: 422 TEMPLATE_INVALID naming the field', async () => {
    const bad = await create({ key: 'broken', channel: 'sms', body: 'Oi {{ name | shout }}' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'TEMPLATE_INVALID', errors: [{ field: 'body' }] });
    expect(bad.body.errors[0].message).toMatch(/undefined filter: shout/);

    const params = await create({
      key: 'broken',
      channel: 'whatsapp',
      body: 'Oi',
      whatsapp: { name: 'oi', language: 'pt-BR', parameters: ['{{ name }}', '{% if %}'] },
    });
    expect(params.status).toBe(422);
    expect(params.body.errors.map((e: { field: string }) => e.field)).toEqual(['whatsapp.parameters.1']);

    const subject = await create({ key: 'broken', channel: 'email', subject: '{{ x', body: '<p>oi</p>' });
    expect(subject.body.errors.map((e: { field: string }) => e.field)).toEqual(['subject']);
    expect((await get('/v1/templates/broken')).status).toBe(404);
  });

  it('validates fields and the channel rules', async () => {
    const bad = await create({ key: 'Bad Key!', channel: 'fax', locale: 'portuguese', body: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body',
      'channel',
      'key',
      'locale',
    ]);
    const noSubject = await create({ key: 'x', channel: 'email', body: '<p>oi</p>' });
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.errors).toEqual([{ field: 'subject', message: 'subject is required for email' }]);
    const misplaced = await create({
      key: 'x',
      channel: 'sms',
      body: 'oi',
      whatsapp: { name: 'oi', language: 'pt-BR', parameters: [] },
    });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.errors.map((e: { field: string }) => e.field)).toEqual(['whatsapp']);
    const tooLong = await create({ key: 'x', channel: 'sms', body: 'x'.repeat(65_537) });
    expect(tooLong.status).toBe(400);
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const send = () =>
      t
        .http()
        .post('/v1/templates')
        .set(t.auth())
        .set('Idempotency-Key', 'template-1')
        .send({ key: 'idem', channel: 'sms', body: 'oi' });
    const a = await send();
    const b = await send();
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotency-replayed']).toBe('true');
  });

  it('keeps workspaces apart', async () => {
    const other = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Outra Clínica' });
    const key = other.body.adminKey.key as string;
    expect((await get('/v1/templates/promo-natal', key)).status).toBe(404);
    expect((await preview('promo-natal', { channel: 'email', data: {} }, key)).status).toBe(404);
    const items = await listAll(key);
    expect(items.every((i) => i.builtIn)).toBe(true);
    expect(items).toHaveLength(BUILTIN_TEMPLATES.length);
    const theirs = await create({ ...EMAIL, body: '<p>{{ name }}</p>' }, key);
    expect(theirs.body.version).toBe(1);
  });

  it('asks templates:write to create, templates:read to read and preview', async () => {
    const keyWith = async (scopes: string[]) =>
      (
        await t
          .http()
          .post('/v1/api-keys')
          .set(t.auth())
          .send({ name: scopes.join(' '), scopes })
      ).body.key as string;
    const reader = await keyWith(['templates:read']);
    expect((await get('/v1/templates', reader)).status).toBe(200);
    expect((await get('/v1/templates/lead-welcome', reader)).status).toBe(200);
    expect((await preview('lead-welcome', { channel: 'sms', data: {} }, reader)).status).toBe(422);
    expect((await create({ key: 'r', channel: 'sms', body: 'oi' }, reader)).status).toBe(403);
    const stranger = await keyWith(['deliveries:read']);
    expect((await get('/v1/templates', stranger)).status).toBe(403);
    expect((await preview('lead-welcome', { channel: 'sms' }, stranger)).status).toBe(403);
  });

  it('renders for sending: newest version at once, built-ins, inline content, errors', async () => {
    const templates = t.app.get(TemplatesService);
    const workspaces = (await get('/v1/workspaces')).body.data as Array<{ id: string; slug: string }>;
    const ws = workspaces.find((w) => w.slug === 'default')!.id;

    const sms = await templates.render(ws, 'payment-received', 'sms', {
      name: 'Ana Lima',
      amount: 99.9,
      businessName: 'Luz',
    });
    expect(sms).toEqual({
      subject: null,
      text: 'Ana, recebemos seu pagamento de R$ 99,90. Obrigado! Luz',
      html: null,
      whatsapp: null,
    });
    await create({ key: 'payment-received', channel: 'sms', body: 'Pago: {{ amount | money }}' });
    expect((await templates.render(ws, 'payment-received', 'sms', { amount: 5 })).text).toBe('Pago: R$ 5,00');
    // Another locale falls back to pt-BR.
    expect((await templates.render(ws, 'payment-received', 'sms', { amount: 5 }, 'en-US')).text).toBe(
      'Pago: R$ 5,00',
    );

    await expect(templates.render(ws, 'nothing-here', 'sms', {})).rejects.toMatchObject({
      code: 'TEMPLATE_NOT_FOUND',
      detail: expect.stringMatching(/nothing-here.*sms/),
    });
    await expect(templates.render(ws, 'lead-welcome', 'email', {})).rejects.toMatchObject({
      code: 'TEMPLATE_VARIABLES_MISSING',
      extras: { missing: expect.arrayContaining(['name', 'businessName']) },
    });

    expect(
      templates.renderInline('email', { subject: 'Oi {{ n }}', body: '<p>{{ n }}</p>' }, { n: '<i>' }),
    ).toEqual({
      subject: 'Oi <i>',
      text: '<i>',
      html: '<p>&lt;i&gt;</p>',
      whatsapp: null,
    });
    expect(() => templates.renderInline('sms', { body: '{{ n | nope }}' }, {})).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_INVALID',
        extras: { errors: [expect.objectContaining({ field: 'content.body' })] },
      }),
    );
  });
});
