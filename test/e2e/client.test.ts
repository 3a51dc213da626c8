import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPonteClient } from '../../clients/typescript/src/index';
import { PROJECT_ROOT } from '../../src/platform/openapi/openapi';
import { startTestApp, TestApp } from '../support/test-app';
import { writeEverything } from '../client/writes';

// Explicit: Jest 30 ignores a project's `testTimeout` (only the global one reaches jest-circus).
const SLOW = 60_000;
// tsc over the whole generated client: seconds when quiet, minutes on a loaded CI machine.
const COMPILE = 300_000;

describe('generated TypeScript client (clients/typescript)', () => {
  const apiKey = `pk_test_${randomBytes(24).toString('base64url')}`;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { BOOTSTRAP_ADMIN_API_KEY: apiKey, RATE_LIMIT_PER_MINUTE: '100000' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
  }, SLOW);
  afterAll(() => t?.close(), SLOW);

  it(
    'type-checks on its own, with the page type of GET /v1/api-keys',
    async () => {
      // The client as `tsc -p clients/typescript` checks it, plus a caller that only compiles when the
      // generated types know the list's page shape (jest itself strips types without checking them).
      const dir = await mkdtemp(join(tmpdir(), 'ponte-client-'));
      try {
        await writeFile(
          join(dir, 'caller.ts'),
          [
            `import { createPonteClient } from '${join(PROJECT_ROOT, 'clients/typescript/src/index')}';`,
            `export async function firstPage(): Promise<{ items: unknown[]; next: string | null }> {`,
            `  const { data } = await createPonteClient({ baseUrl: '' }).GET('/v1/api-keys');`,
            `  return { items: data?.data ?? [], next: data?.nextCursor ?? null };`,
            `}`,
          ].join('\n'),
        );
        const client = join(PROJECT_ROOT, 'clients/typescript');
        const tsconfig = {
          extends: join(client, 'tsconfig.json'),
          include: [join(client, 'src'), 'caller.ts'],
        };
        await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
        const tsc = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');
        await promisify(execFile)(process.execPath, [tsc, '-p', dir, '--noEmit'], {
          timeout: COMPILE - 10_000,
        });
      } catch (err) {
        const { stdout, message } = err as { stdout?: string; message: string };
        throw new Error(
          'clients/typescript does not compile. Stale types: run `npm run openapi`. ' +
            "'data' of type 'never': GET /v1/api-keys declares no 200 schema (@ApiOkResponse({ type })).\n" +
            (stdout || message),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    COMPILE,
  );

  it('sends the API key as a bearer token', async () => {
    const seen: Array<string | null> = [];
    const ponte = createPonteClient({
      baseUrl,
      apiKey,
      fetch: (request) => {
        seen.push(request.headers.get('authorization'));
        return fetch(request);
      },
    });
    const { data, response } = await ponte.GET('/health');
    expect(response.status).toBe(200);
    expect(data).toBeDefined();
    expect(seen).toEqual([`Bearer ${apiKey}`]);
  });

  it('lists API keys as a typed page with the bootstrap admin key', async () => {
    const ponte = createPonteClient({ baseUrl, apiKey });
    const { data, error, response } = await ponte.GET('/v1/api-keys', { params: { query: { limit: 10 } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    // `data.data` and `data.nextCursor` compile only if the generated types know the page shape.
    const page = data!;
    expect(Array.isArray(page.data)).toBe(true);
    expect(page.data.length).toBeGreaterThanOrEqual(1);
    expect(page.nextCursor === null || typeof page.nextCursor === 'string').toBe(true);
  });

  it(
    'accepts every create and update of test/client/writes.ts (the typed bodies are real ones)',
    async () => {
      const ponte = createPonteClient({ baseUrl, apiKey });
      const results = await writeEverything(ponte, '127.0.0.1');
      const refused = Object.entries(results)
        .filter(([, r]) => !r.response.ok)
        .map(([name, r]) => `${name}: ${r.response.status} ${JSON.stringify(r.error)}`);
      expect(refused).toEqual([]);
      expect(Object.keys(results).length).toBeGreaterThanOrEqual(27);
    },
    SLOW,
  );

  it('answers an unknown key with a typed problem', async () => {
    const ponte = createPonteClient({ baseUrl, apiKey: `pk_test_${randomBytes(24).toString('base64url')}` });
    const { data, error, response } = await ponte.GET('/v1/api-keys');
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
