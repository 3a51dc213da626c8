import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ALL_QUEUES } from '../../src/platform/queue/queue.registry';
import { startTestApp, TestApp } from '../support/test-app';
import { BareBoard, OPERATOR, startBareBoard } from './board-server';

/** Debian's Chromium: the machine has no internet, so Playwright never downloads a browser. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_MS = 15_000;

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}, 40_000);
afterAll(async () => {
  await browser?.close();
}, 20_000);

/**
 * A page of a fresh context. With credentials, the context only talks to the server under test:
 * a request to any other origin is aborted (and recorded in `offOrigin`, which must stay empty:
 * the board loads no fonts or scripts from the internet).
 * Without, the browser declines every Basic challenge as a user cancelling the login prompt would;
 * headless Chromium has no prompt and otherwise fails the navigation with
 * net::ERR_INVALID_AUTH_CREDENTIALS instead of showing the 401 response.
 */
const offOrigin: string[] = [];

async function openPage(
  origin: string,
  httpCredentials?: { username: string; password: string },
): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    httpCredentials,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  if (httpCredentials) {
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        offOrigin.push(route.request().url());
        return route.abort().catch(() => undefined);
      },
    );
  } else {
    // Playwright's own interception (context.route) would answer challenges too; none is installed
    // here. A request still paused when the context closes makes these fail, harmlessly.
    const cdp = await context.newCDPSession(page);
    cdp.on('Fetch.authRequired', ({ requestId }) => {
      cdp
        .send('Fetch.continueWithAuth', { requestId, authChallengeResponse: { response: 'CancelAuth' } })
        .catch(() => undefined);
    });
    cdp.on('Fetch.requestPaused', ({ requestId }) => {
      cdp.send('Fetch.continueRequest', { requestId }).catch(() => undefined);
    });
    await cdp.send('Fetch.enable', { handleAuthRequests: true });
  }
  return page;
}

/** Waits until the rendered board names every queue, not just the server-rendered shell. */
async function expectQueuesListed(page: Page, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });
  }
}

function originOf(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string')
    throw new Error(`unexpected server address ${String(address)}`);
  return `http://127.0.0.1:${address.port}`;
}

describe('Bull Board in a browser (bare Fastify, stub verify)', () => {
  let board: BareBoard;
  let origin: string;

  beforeAll(async () => {
    board = await startBareBoard();
    await board.fastify.listen({ host: '127.0.0.1', port: 0 });
    origin = originOf(board.fastify.server.address());
    // Something to show besides empty queues.
    await board.queues.find((q) => q.name === 'events-high')!.add('inbound.received', { eventId: 'e1' });
  }, 30_000);
  afterAll(async () => {
    await board?.close();
  }, 20_000);

  it('refuses the page without credentials', async () => {
    const page = await openPage(origin);
    try {
      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(401);
      expect(await response?.headerValue('www-authenticate')).toBe(
        'Basic realm="Ponte operators", charset="UTF-8"',
      );
    } finally {
      await page.context().close();
    }
  });

  it('refuses wrong credentials', async () => {
    const page = await openPage(origin, { username: OPERATOR.username, password: 'not it' });
    try {
      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(401);
    } finally {
      await page.context().close();
    }
  });

  it('renders every queue for an operator', async () => {
    const page = await openPage(origin, OPERATOR);
    try {
      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(200);
      await expectQueuesListed(page, ALL_QUEUES);
      await page.screenshot({ path: 'test-results/bull-board.png', fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});

/**
 * The same against the whole Ponte app: the gateway mounts the board in app.factory, and an API
 * key holding platform:admin (the bootstrap key) works as the Basic password with any username.
 * The queues hold every tenant's jobs: a workspace's own admin key is refused.
 */
describe('Bull Board in a browser (Ponte app)', () => {
  const adminKey = `pk_${randomBytes(24).toString('base64url')}`;
  let t: TestApp;
  let origin: string;
  let tenantAdminKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { BOOTSTRAP_ADMIN_API_KEY: adminKey } });
    await t.app.listen(0, '127.0.0.1');
    origin = originOf(t.app.getHttpServer().address());
    const workspace = await t.http().post('/v1/workspaces').set(t.auth(adminKey)).send({ name: 'Tenant' });
    tenantAdminKey = workspace.body.adminKey.key;
  }, 40_000);
  afterAll(async () => {
    await t?.close();
  }, 20_000);

  it('refuses the board without credentials', async () => {
    const page = await openPage(origin);
    try {
      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(401);
      expect(await response?.headerValue('www-authenticate')).toMatch(/^Basic realm="Ponte operators"/);
    } finally {
      await page.context().close();
    }
  });

  it('refuses a wrong admin key', async () => {
    const page = await openPage(origin, { username: 'admin', password: `pk_${'x'.repeat(32)}` });
    try {
      expect((await page.goto(`${origin}/admin/queues`))?.status()).toBe(401);
    } finally {
      await page.context().close();
    }
  });

  it("refuses a workspace's admin key: the queues are every tenant's", async () => {
    const page = await openPage(origin, { username: 'admin', password: tenantAdminKey });
    try {
      expect((await page.goto(`${origin}/admin/queues`))?.status()).toBe(401);
    } finally {
      await page.context().close();
    }
  });

  it('shows the eight Ponte queues to a platform operator, loading nothing from the internet', async () => {
    offOrigin.length = 0;
    const page = await openPage(origin, { username: 'admin', password: adminKey });
    try {
      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(200);
      await expectQueuesListed(page, [
        'events-high',
        'events',
        'events-low',
        'retry',
        'deliveries',
        'notifications',
        'workflows',
        'maintenance',
        'sync',
        'collections',
      ]);
      await page.screenshot({ path: 'test-results/bull-board-ponte.png', fullPage: true });
      expect(offOrigin).toEqual([]);
      // Nor does it ask to: no link to another origin (the policy would block one anyway).
      expect(await response?.text()).not.toMatch(/(href|src)="https?:\/\//);
      expect(await response?.headerValue('content-security-policy')).toMatch(/default-src 'self'/);
    } finally {
      await page.context().close();
    }
  });
});
