import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { EagerWorker } from '../../src/platform/queue/eager-worker';
import { waitFor } from '../support/private-redis';
import { deleteQueueKeys, TEST_REDIS_URL } from '../support/test-app';

/** A gate a handler waits at until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * The worker every queue runs (JobDispatcher): BullMQ's Worker with a main loop that starts each
 * job as soon as it is fetched, on the real Redis.
 */
describe('EagerWorker (service tier)', () => {
  const prefix = `eager-${randomUUID().slice(0, 8)}`;
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const workers: EagerWorker[] = [];
  const connections: IORedis[] = [];
  let queue: Queue;

  const worker = (
    name: string,
    handler: (job: Job) => Promise<void>,
    concurrency: number,
    autorun = true,
  ): EagerWorker => {
    const own = connection.duplicate();
    connections.push(own);
    const w = new EagerWorker(name, handler, {
      connection: own,
      prefix,
      concurrency,
      autorun,
    });
    workers.push(w);
    return w;
  };
  const fill = (n: number) =>
    queue.addBulk(
      Array.from({ length: n }, (_, i) => ({ name: 'job', data: { i }, opts: { jobId: `j-${i}` } })),
    );

  beforeEach(() => {
    queue = new Queue(`q-${randomUUID().slice(0, 8)}`, { connection, prefix });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    await Promise.all(connections.splice(0).map((c) => c.quit()));
    await queue.close();
  });
  afterAll(async () => {
    await deleteQueueKeys(TEST_REDIS_URL, prefix);
    await connection.quit();
  });

  it('starts the first job of a backlog before fetching the rest, and runs each once', async () => {
    await fill(300);
    const ran: number[] = [];
    let fetchesAtFirstStart: number | undefined;
    const w = worker(
      queue.name,
      async (job) => {
        fetchesAtFirstStart ??= fetch.mock.calls.length;
        ran.push((job.data as { i: number }).i);
      },
      1000,
      false,
    );
    const fetch = jest.spyOn(w as unknown as { moveToActive: () => Promise<unknown> }, 'moveToActive');
    void w.run();
    await waitFor(async () => ran.length === 300, 30_000, 'the 300 jobs');
    // BullMQ's own loop fetched all 300 (one round trip each) before it started the first.
    expect(fetchesAtFirstStart).toBeLessThanOrEqual(3);
    expect(new Set(ran).size).toBe(300);
    expect(await queue.getJobCounts('waiting', 'active', 'completed')).toEqual({
      waiting: 0,
      active: 0,
      completed: 300,
    });
  });

  it('never runs more than its concurrency at once, and reaches it', async () => {
    await fill(200);
    let active = 0;
    let most = 0;
    let done = 0;
    worker(
      queue.name,
      async () => {
        most = Math.max(most, ++active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        active--;
        done++;
      },
      7,
    );
    await waitFor(async () => done === 200, 30_000, 'the 200 jobs');
    expect(most).toBe(7);
  });

  it('fetches nothing while paused, goes on when resumed, and closes only after its running jobs', async () => {
    await fill(20);
    const held = gate();
    const started: number[] = [];
    let finished = 0;
    const w = worker(
      queue.name,
      async (job) => {
        started.push((job.data as { i: number }).i);
        await held.wait;
        finished++;
      },
      5,
    );
    await waitFor(async () => started.length === 5, 10_000, 'five jobs started');
    await w.pause(true);
    held.open();
    await waitFor(async () => finished === 5, 10_000, 'the five running jobs finished');
    // The finishing jobs fetched no successor, and the loop took nothing more.
    expect(await queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 15, active: 0 });
    expect(started).toHaveLength(5);

    void w.resume();
    await waitFor(async () => finished === 20, 10_000, 'all 20 after resume');
    await w.close();

    const last = gate();
    let lastFinished = false;
    const w2 = worker(
      queue.name,
      async () => {
        await last.wait;
        lastFinished = true;
      },
      5,
    );
    await queue.add('job', {}, { jobId: 'last' });
    await waitFor(async () => (await queue.getJobState('last')) === 'active', 10_000, 'the last job running');
    let closedWhileRunning = false;
    const closed = w2.close().then(() => (closedWhileRunning = !lastFinished));
    for (let i = 0; i < 5; i++) await queue.getJobState('last'); // a few round trips for close to act
    last.open();
    await closed;
    expect(closedWhileRunning).toBe(false);
    expect(await queue.getJobState('last')).toBe('completed');
  });

  it('runs a delayed job once it is due', async () => {
    let ran = 0;
    worker(
      queue.name,
      async () => {
        ran++;
      },
      10,
    );
    await queue.add('job', {}, { jobId: 'later', delay: 300 });
    await waitFor(async () => ran === 1, 10_000, 'the delayed job');
    expect(await queue.getJobState('later')).toBe('completed');
  });
});
