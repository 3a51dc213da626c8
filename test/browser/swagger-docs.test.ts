import type { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';
import { launchChromium } from './chromium';

const STEP_MS = 15_000;

/**
 * Swagger UI at /docs as an integrator first meets it: the operations render (the inlined document
 * once broke the init script and left a blank page), and "Try it out" calls the API with a key.
 */
describe('Swagger UI at /docs in a browser', () => {
  let browser: Browser;
  let t: TestApp;
  let origin: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const source = await t
      .http()
      .post('/v1/sources')
      .set(t.auth())
      .send({ name: 'docs-probe-source', kind: 'standard', config: {} });
    expect(source.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 30_000);

  beforeEach(async () => {
    // Only the server under test: every asset Swagger UI needs is served by Ponte itself.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route(
      (url) => url.origin !== origin,
      (route) => route.abort().catch(() => undefined),
    );
    page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.setDefaultNavigationTimeout(STEP_MS);
    pageErrors.length = 0;
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterEach(async () => {
    await page.context().close();
  });

  it('renders every tag and the operations, with no script error', async () => {
    const response = await page.goto(`${origin}/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ state: 'visible' });
    expect(await page.locator('.opblock-tag').count()).toBeGreaterThan(5);
    await expect(page.locator('#operations-sources-SourcesController_list').count()).resolves.toBe(1);
    // The description with JSONata's `$` reached the page intact.
    const doc = await page.evaluate<string>('JSON.stringify(window.ui.specSelectors.specJson())');
    expect(doc).toContain('its input (`$`)');
    expect(pageErrors).toEqual([]);
  });

  it('runs "Try it out" on an operation with an API key', async () => {
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor({ state: 'visible' });

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    // The dialog lists both schemes, bearer then X-API-Key; the key goes into the second.
    const scheme = page.locator('.dialog-ux .auth-container').last();
    await scheme.locator('input').fill(ADMIN_KEY);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.dialog-ux').getByRole('button', { name: 'Close' }).first().click();

    const operation = page.locator('#operations-sources-SourcesController_list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const apiCall = page.waitForResponse((r) => r.url().startsWith(`${origin}/v1/sources`));
    await operation.getByRole('button', { name: 'Execute' }).click();
    expect((await apiCall).status()).toBe(200);

    const live = operation.locator('.live-responses-table');
    await live.locator('.response-col_status').filter({ hasText: '200' }).first().waitFor();
    await expect(live.locator('.microlight, pre').first().textContent()).resolves.toContain(
      'docs-probe-source',
    );
    await page.screenshot({ path: 'test-results/swagger-docs.png', fullPage: false });
  });
});
