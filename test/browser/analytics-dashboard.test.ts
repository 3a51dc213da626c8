import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { FixedAlerts, FixedAnalytics, FixedAnalyticsModule } from '../fixtures/fixed-analytics.module';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';
import { launchChromium } from './chromium';

const OUT = join(__dirname, '../../test-results/analytics-dashboard');
const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString('base64')}`;

/**
 * The operator dashboard in headless Chromium: signed in as Bull Board is, KPIs and Chart.js
 * charts drawn from Ponte's own copy of Chart.js, refreshed every 30 s, readable at 390 px, and
 * only ever the signed-in key's workspace.
 */
describe('analytics operator dashboard', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let otherKey: string;
  let otherAdminKey: string;
  const offOrigin: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    t = await startTestApp({ analyticsQueries: FixedAnalyticsModule });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as AddressInfo;
    origin = `http://127.0.0.1:${address.port}`;
    const own = await t.http().get('/v1/workspace').set(t.auth());
    await t
      .http()
      .patch(`/v1/workspaces/${own.body.id}`)
      .set(t.auth())
      .send({ name: 'Clínica São João' })
      .expect(200);
    const other = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Padaria Pão Quente' });
    otherAdminKey = other.body.adminKey.key as string;
    // A platform operator whose key lives in the other workspace: created as a workspace admin key,
    // then given platform:admin by hand (no API grants it outside the platform's own workspace).
    const created = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth(otherAdminKey))
      .send({ name: 'op', scopes: ['admin'] });
    otherKey = created.body.key as string;
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await db.query(`UPDATE api_keys SET scopes = '{platform:admin}' WHERE id = $1`, [created.body.id]);
    await db.end();
    t.app.get(FixedAnalytics).scale.set(other.body.id as string, 3);
    t.app.get(FixedAlerts).byWorkspace.set(own.body.id as string, [
      {
        at: '2026-12-03T12:00:00Z',
        rule: 'Fila de retentativas > 100',
        state: 'firing',
        message: 'retry: 134 jobs',
      },
    ]);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 30_000);

  const get = (path: string, password?: string) =>
    t
      .http()
      .get(path)
      .set(password ? { Authorization: basic(password) } : {});

  // Tall enough for the whole page: a full-page screenshot of a shorter viewport resizes it, and the
  // charts' redraw after a resize waits on animation frames the installed page clock holds.
  async function open(password: string, viewport = { width: 1280, height: 1500 }): Promise<Page> {
    const context = await browser.newContext({
      httpCredentials: { username: 'operator', password },
      viewport,
    });
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        offOrigin.push(route.request().url());
        return route.abort();
      },
    );
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.clock.install();
    const res = await page.goto(`${origin}/admin/dashboard`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('body[data-loaded="1"]');
    return page;
  }

  /** Canvases with drawn pixels (not transparent, not white). */
  const paintedCanvases = (page: Page) =>
    page.$$eval('canvas', (canvases) =>
      canvases.map((c) => {
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let painted = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) painted++;
        return { id: c.id, painted: painted / (c.width * c.height) };
      }),
    );

  it('asks for Bull Board credentials: none, a workspace admin key and unknown keys get 401 with a challenge', async () => {
    for (const res of [
      await get('/admin/dashboard'),
      await get('/admin/dashboard/data', otherAdminKey),
      await get('/admin/dashboard/data', `pk_${'x'.repeat(32)}`),
      await get('/admin/dashboard/chart.umd.min.js'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Ponte operators", charset="UTF-8"');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const chart = await get('/admin/dashboard/chart.umd.min.js', ADMIN_KEY);
    expect(chart.status).toBe(200);
    expect(chart.headers['content-type']).toMatch(/^text\/javascript/);
    expect(chart.text).toContain('Chart');
  });

  it('draws KPIs, the Chart.js charts, queues and alerts, and refreshes every 30 s', async () => {
    const page = await open(ADMIN_KEY);
    expect(await page.textContent('#workspace')).toBe('Clínica São João');
    const cards = await page.$$eval('#kpis .card', (els) => els.map((e) => e.textContent));
    expect(cards.length).toBeGreaterThanOrEqual(10);
    expect(cards).toContain('Mensagens enviadas12.480+13,2% vs. 7 dias anteriores');
    expect(cards.some((c) => c?.startsWith('Valor recuperadoR$\u00a048.239,50'))).toBe(true);
    const canvases = await paintedCanvases(page);
    expect(canvases.map((c) => c.id)).toEqual(['trend', 'funnel', 'channels']);
    for (const c of canvases) expect(c.painted).toBeGreaterThan(0.01);
    expect(await page.$$eval('#queues tbody tr', (rows) => rows.length)).toBeGreaterThan(3);
    expect(await page.textContent('#alerts')).toContain('Fila de retentativas > 100');
    await page.screenshot({ path: join(OUT, 'dashboard-desktop.png'), fullPage: true });

    await page.clock.fastForward(30_000);
    await page.waitForSelector('body[data-loaded="2"]');
    expect(offOrigin).toEqual([]);
    await page.context().close();
  });

  it('is readable on a phone (390 px): one column, nothing wider than the screen, charts drawn', async () => {
    const page = await open(ADMIN_KEY, { width: 390, height: 844 });
    const widths = {
      page: await page.$eval('html', (html) => html.scrollWidth),
      cards: await page.$$eval('#kpis .card', (cards) => cards.map((c) => c.getBoundingClientRect().width)),
    };
    expect(widths.page).toBeLessThanOrEqual(390);
    for (const w of widths.cards) expect(w).toBeLessThanOrEqual(390);
    for (const c of await paintedCanvases(page)) expect(c.painted).toBeGreaterThan(0.01);
    await page.screenshot({ path: join(OUT, 'dashboard-phone.png'), fullPage: true });
    await page.context().close();
  });

  it("shows an operator of another workspace that workspace's figures, never the first one's", async () => {
    const data = await get('/admin/dashboard/data?workspaceId=ignored', otherKey);
    expect(data.status).toBe(200);
    expect(data.body.workspace.name).toBe('Padaria Pão Quente');
    expect(data.body.alerts).toEqual([]);

    const page = await open(otherKey);
    expect(await page.textContent('#workspace')).toBe('Padaria Pão Quente');
    const text = (await page.textContent('body'))!;
    expect(text).toContain('37.440');
    expect(text).not.toContain('12.480');
    expect(text).not.toContain('Clínica São João');
    expect(text).not.toContain('Fila de retentativas');
    await page.screenshot({ path: join(OUT, 'dashboard-other-workspace.png'), fullPage: true });
    await page.context().close();
  });
});
