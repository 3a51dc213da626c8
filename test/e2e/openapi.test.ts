import { Script } from 'node:vm';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_SCHEMA_FILE, generateClientTypes, OPENAPI_FILE } from '../../scripts/openapi';
import { serializeOpenApiDocument } from '../../src/platform/openapi/openapi';
import { startTestApp, TestApp } from '../support/test-app';

const HINT = 'run `npm run openapi` and commit openapi.json and clients/typescript/src/schema.d.ts';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Schema = Record<string, any>;
// Explicit: Jest 30 ignores a project's `testTimeout` (only the global one reaches jest-circus).
const SLOW = 60_000;

/** Fails with the regeneration hint and the first differing line, not a diff of the whole file. */
function expectUpToDate(what: string, committed: string, generated: string): void {
  if (committed === generated) return;
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? b.length : line;
  throw new Error(
    `${what} is stale: ${HINT}.\nFirst difference at line ${at + 1}:\n` +
      `  committed: ${a[at] ?? '<end of file>'}\n  generated: ${b[at] ?? '<end of file>'}`,
  );
}

/** Every property without a description, found anywhere under `schema`. */
function undescribedProperties(schema: Schema | undefined, where: string, found: string[]): void {
  if (!schema || typeof schema !== 'object') return;
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (!property.description) found.push(`${where}.${name}`);
    undescribedProperties(property, `${where}.${name}`, found);
  }
  undescribedProperties(schema.items, `${where}[]`, found);
  if (typeof schema.additionalProperties === 'object') {
    undescribedProperties(schema.additionalProperties, `${where}{}`, found);
  }
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    for (const [i, part] of ((schema[key] ?? []) as Schema[]).entries()) {
      undescribedProperties(part, `${where}.${key}[${i}]`, found);
    }
  }
}

function operations(document: Schema): Array<{ label: string; operation: Schema }> {
  return Object.entries(document.paths as Record<string, Schema>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      label: `${method.toUpperCase()} ${path}`,
      operation: item[method] as Schema,
    })),
  );
}

describe('OpenAPI document, Swagger UI and the generated client', () => {
  let t: TestApp;
  let served: Schema;
  let tmp: string;

  beforeAll(async () => {
    t = await startTestApp();
    tmp = await mkdtemp(join(tmpdir(), 'ponte-openapi-'));
    const res = await t.http().get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    served = JSON.parse(res.text);
  }, SLOW);
  afterAll(async () => {
    await t?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, SLOW);

  it('serves the committed openapi.json', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    expectUpToDate('openapi.json', committed, serializeOpenApiDocument(served));
  });

  it(
    'has the client types that openapi-typescript generates from it',
    async () => {
      const input = join(tmp, 'openapi.json');
      const output = join(tmp, 'schema.d.ts');
      await writeFile(input, serializeOpenApiDocument(served));
      await generateClientTypes(input, output, 45_000);
      const committed = await readFile(CLIENT_SCHEMA_FILE, 'utf8');
      expectUpToDate('clients/typescript/src/schema.d.ts', committed, await readFile(output, 'utf8'));
    },
    SLOW,
  );

  it("serves a Swagger UI init script that parses, with the document's `$` intact", async () => {
    const res = await t.http().get('/docs/swagger-ui-init.js');
    expect(res.status).toBe(200);
    // Compiling is enough: a `$` read as a replacement pattern left a SyntaxError here.
    expect(() => new Script(res.text)).not.toThrow();
    expect(res.text).toContain('its input (`$`)');
  });

  it('points / to the docs instead of a bare 404', async () => {
    const res = await t.http().get('/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ponte', docs: '/docs', openapi: '/docs/openapi.json' });
    expect((await t.http().get(res.body.openapi)).status).toBe(200);
  });

  it('describes the conventions, both auth schemes and the problem+json schema', () => {
    expect(served.info).toMatchObject({ title: 'Ponte', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(served.info.description).toMatch(/problem\+json/);
    expect(served.info.description).toMatch(/Idempotency-Key/);
    expect(served.info.description).toMatch(/RateLimit-Limit/);
    expect(served.info.description).toMatch(/nextCursor/);
    expect(served.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(served.security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
    expect(Object.keys(served.components.schemas.ProblemResponse.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'instance', 'errors']),
    );
    // Health is @Public(): no credentials asked for in the document either.
    expect(served.paths['/health'].get.security).toEqual([]);
  });

  it(
    'serves Swagger UI at /docs with every asset it loads',
    async () => {
      const page = await t.http().get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('swagger-ui');
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css|png))"/g)].map(
        ([, ref]) => new URL(ref, 'http://ponte.test/docs').pathname,
      );
      expect(assets).toEqual(
        expect.arrayContaining([
          '/docs/swagger-ui-bundle.js',
          '/docs/swagger-ui-init.js',
          '/docs/swagger-ui.css',
        ]),
      );
      const failed: string[] = [];
      for (const asset of assets) {
        const res = await t.http().get(asset);
        if (res.status !== 200) failed.push(`${asset} → ${res.status}`);
      }
      expect(failed).toEqual([]);
      const init = await t.http().get('/docs/swagger-ui-init.js');
      expect(init.text).toContain('"title": "Ponte"');
    },
    SLOW,
  );

  it('gives every operation a summary and every schema property a description', () => {
    const found: string[] = [];
    for (const { label, operation } of operations(served)) {
      if (!operation.summary) found.push(`${label}: no summary (@ApiOperation({ summary }))`);
      const bodies = Object.values((operation.requestBody?.content ?? {}) as Record<string, Schema>);
      const answers = Object.entries((operation.responses ?? {}) as Record<string, Schema>).flatMap(
        ([status, response]) =>
          Object.values((response.content ?? {}) as Record<string, Schema>).map((c) => ({ status, c })),
      );
      const props: string[] = [];
      for (const body of bodies) undescribedProperties(body.schema, `${label} body`, props);
      for (const { status, c } of answers) undescribedProperties(c.schema, `${label} ${status}`, props);
      found.push(...props.map((p) => `${p}: no description`));
    }
    for (const [name, schema] of Object.entries(served.components.schemas as Record<string, Schema>)) {
      const props: string[] = [];
      undescribedProperties(schema, name, props);
      found.push(...props.map((p) => `${p}: no description (@ApiProperty({ description }))`));
    }
    expect(found).toEqual([]);
  });
});
