import { v7 as uuidv7 } from 'uuid';
import { baseBody, FuzzRequest, fuzzRequests, OpenApiDoc, Overrides } from '../support/openapi-fuzz';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/**
 * Every route of openapi.json, every field of its example body made hostile one at a time (NUL,
 * lone surrogates, null, wrong types, deep nesting, huge strings), hostile path and query values:
 * no answer may be a 5xx. Path ids point at real resources, so PATCH and friends reach the
 * service and the database, not just the 404 of an unknown id.
 */
/** Valid bodies where the schema's examples alone are not (so the fuzz reaches past validation). */
const OVERRIDES: Overrides = {
  'POST /v1/endpoints': {
    name: 'CRM',
    url: 'http://127.0.0.1:9/hooks',
    eventTypes: ['lead.*'],
    system: 'crm',
    headers: { 'X-Api-Token': 'abc' },
  },
  'POST /v1/providers': {
    name: 'Meta — main number',
    kind: 'meta',
    channel: 'whatsapp',
    config: { accessToken: 'EAAG-fuzz', phoneNumberId: '1234567890', baseUrl: 'http://127.0.0.1:9' },
  },
  'POST /v1/templates': {
    key: 'fuzz-template',
    channel: 'whatsapp',
    locale: 'pt-BR',
    body: 'Olá {{ name }}',
  },
  'POST /v1/workflows': {
    key: 'fuzz-workflow',
    name: 'Fuzz',
    trigger: { event: 'lead.created', filter: 'data.name != ""' },
    steps: [
      { id: 'wait', type: 'delay', duration: 'PT1H' },
      { id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hooks', body: '{"n": event.data.name}' },
    ],
    cancelOn: { event: 'lead.lost' },
  },
  'POST /v1/notifications': {
    to: { phone: '+5531992953088', email: 'maria@example.com' },
    channels: ['whatsapp', 'email'],
    content: {
      subject: 'Oi',
      body: 'Olá, {{ name }}',
      media: [{ url: 'http://127.0.0.1:9/a.png', type: 'image' }],
    },
    data: { name: 'Maria' },
  },
};

describe('fuzz: every route of openapi.json', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  const ids = new Map<string, string>();

  const inject = (method: string, url: string, body?: string) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: method as 'GET',
        url,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        payload: body,
      });

  /** `{id}` of a collection → the resource made from its example body; anything else a fresh id. */
  const fillPath = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
      const collection = template.slice(0, offset).replace(/\/$/, '');
      return encodeURIComponent(ids.get(`${collection}:${name}`) ?? uuidv7());
    });

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000000' } });
    doc = (await inject('GET', '/docs/openapi.json')).json<OpenApiDoc>();
    // Real resources from the examples, so `{id}` routes act on something.
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!methods.post?.requestBody || path.includes('{')) continue;
      const res = await inject('POST', path, JSON.stringify(baseBody(doc, 'post', path, OVERRIDES)));
      if (res.statusCode >= 500) throw new Error(`POST ${path} example: ${res.statusCode} ${res.body}`);
      if (process.env.FUZZ_DEBUG) console.log(path, res.statusCode, res.body.slice(0, 300));
      const created = res.statusCode < 300 && res.body ? res.json() : {};
      if (typeof created.id === 'string') ids.set(`${path}:id`, created.id);
      for (const key of ['key', 'eventType', 'system'])
        if (typeof created[key] === 'string') ids.set(`${path}:${key}`, created[key]);
    }
    // /v1/mappings/{eventType}/{system}: the second segment follows the first.
    ids.set('/v1/mappings/{eventType}:system', ids.get('/v1/mappings:system') ?? 'crm');
  }, 60_000);
  afterAll(() => t?.close());

  it('creates the resources it fuzzes', () => {
    expect([...ids.keys()]).toEqual(
      expect.arrayContaining([
        '/v1/sources:id',
        '/v1/endpoints:id',
        '/v1/providers:id',
        '/v1/contacts:id',
        '/v1/workflows:id',
        '/v1/templates:key',
        '/v1/mappings:eventType',
      ]),
    );
  });

  it('answers no 5xx to any hostile request', async () => {
    const requests: FuzzRequest[] = fuzzRequests(doc, fillPath, OVERRIDES);
    // Deletes last, so the other requests meet live resources.
    requests.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(requests.length).toBeGreaterThan(1500);
    const failures: string[] = [];
    for (const r of requests) {
      const res = await inject(r.method, r.path, r.body);
      if (res.statusCode >= 500)
        failures.push(
          `${r.method} ${r.path.slice(0, 80)} (${r.what}): ${res.statusCode} ${res.body.slice(0, 160)}`,
        );
      else if (res.statusCode >= 400 && !/problem\+json/.test(String(res.headers['content-type'])))
        failures.push(`${r.method} ${r.path.slice(0, 80)} (${r.what}): ${res.statusCode} not problem+json`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
