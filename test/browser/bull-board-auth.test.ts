import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { waitFor } from '../support/private-redis';
import { TEST_REDIS_URL } from '../support/test-app';
import { BareBoard, basic, OPERATOR, startBareBoard } from './board-server';

/** The HTTP contract of the board's guard, over fastify.inject (no browser needed). */
describe('Bull Board behind operator Basic auth', () => {
  let board: BareBoard;
  const ok = { authorization: basic(OPERATOR.username, OPERATOR.password) };
  const get = (url: string, headers: Record<string, string> = {}) =>
    board.fastify.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    board = await startBareBoard();
  }, 20_000);
  afterAll(async () => {
    await board?.close();
  }, 20_000);

  function expectChallenge(res: Awaited<ReturnType<typeof get>>): void {
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="Ponte operators", charset="UTF-8"');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: 401,
      code: 'UNAUTHENTICATED',
      detail: expect.any(String),
    });
  }

  it('refuses the page without credentials, with a Basic challenge', async () => {
    expectChallenge(await get('/admin/queues'));
    expectChallenge(await get('/admin/queues/'));
    expectChallenge(await get('/admin/queues/queue/events-high'));
  });

  it('refuses wrong credentials', async () => {
    expectChallenge(await get('/admin/queues', { authorization: basic(OPERATOR.username, 'wrong') }));
    expectChallenge(
      await get('/admin/queues', { authorization: basic('someone@else.test', OPERATOR.password) }),
    );
  });

  it.each([
    [
      'another scheme',
      `Bearer ${Buffer.from(`${OPERATOR.username}:${OPERATOR.password}`).toString('base64')}`,
    ],
    ['no token', 'Basic'],
    ['bad base64', 'Basic %%%not-base64%%%'],
    ['base64 of the wrong length', 'Basic YWJj='],
    ['no colon', `Basic ${Buffer.from('justausername').toString('base64')}`],
    ['not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['huge', basic('a', 'b'.repeat(100_000))],
  ])('answers 401, never 5xx, to a malformed header (%s)', async (_what, authorization) => {
    expectChallenge(await get('/admin/queues', { authorization }));
  });

  it('never calls verify for a malformed header', async () => {
    board.verifyCalls.length = 0;
    await get('/admin/queues', { authorization: 'Basic !!!!' });
    expect(board.verifyCalls).toEqual([]);
  });

  it('serves the board page to an operator', async () => {
    const res = await get('/admin/queues', ok);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    // The UI resolves its assets and API calls against this base.
    expect(res.body).toContain('<base href="/admin/queues/"');
    expect(board.verifyCalls).toContainEqual([OPERATOR.username, OPERATOR.password]);
  });

  it('guards the static assets too', async () => {
    const page = await get('/admin/queues', ok);
    const asset = /src="(static\/js\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(asset).toBeDefined();
    expectChallenge(await get(`/admin/queues/${asset}`));
    const served = await get(`/admin/queues/${asset}`, ok);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toMatch(/javascript/);
    expectChallenge(await get('/admin/queues/static/favicon-32x32.png'));
    expect((await get('/admin/queues/static/favicon-32x32.png', ok)).statusCode).toBe(200);
  });

  it('guards the JSON API, which lists every queue', async () => {
    expectChallenge(await get('/admin/queues/api/queues'));
    const res = await get('/admin/queues/api/queues', ok);
    expect(res.statusCode).toBe(200);
    const names = res.json<{ queues: Array<{ name: string }> }>().queues.map((q) => q.name);
    expect(names.sort()).toEqual(
      [
        'collections',
        'deliveries',
        'events',
        'events-high',
        'events-low',
        'maintenance',
        'notifications',
        'retry',
        'sync',
        'workflows',
      ].sort(),
    );
  });

  it('answers 404 under the board only to operators', async () => {
    expectChallenge(await get('/admin/queues/no/such/page'));
    const res = await get('/admin/queues/no/such/page', ok);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("lets operators act through the board's API: a JSON POST and a bodiless PUT pass Ponte's parsers", async () => {
    const retryQueue = board.queues.find((q) => q.name === 'retry')!;
    const add = await board.fastify.inject({
      method: 'POST',
      url: '/admin/queues/api/queues/retry/add',
      headers: { ...ok, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'probe', data: { n: 1 }, options: {} }),
    });
    expect(add.statusCode).toBe(200);

    // Fail the job for real, so the board has something to retry.
    const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'retry',
      async () => {
        throw new Error('boom');
      },
      { connection, prefix: board.prefix },
    );
    try {
      await waitFor(async () => (await retryQueue.getFailedCount()) === 1, 10_000, 'the job to fail');
    } finally {
      await worker.close();
      await connection.quit();
    }

    const unauthenticated = await board.fastify.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/retry/retry/failed',
    });
    expectChallenge(unauthenticated);
    expect(await retryQueue.getFailedCount()).toBe(1);

    const retry = await board.fastify.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/retry/retry/failed',
      headers: ok,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ retried: 1 });
    expect(await retryQueue.getFailedCount()).toBe(0);
    expect(await retryQueue.getWaitingCount()).toBe(1);

    const clean = await board.fastify.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/retry/clean/completed',
      headers: ok,
    });
    expect(clean.statusCode).toBe(200);
  });
});
