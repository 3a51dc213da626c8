import { Queue, Worker } from 'bullmq';
import { heldStates } from '../../src/platform/queue/job-states';
import { RedisConnections } from '../../src/platform/queue/redis.connections';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The relay's batched state check and the coalesced Redis writes, on the real Redis: the answers
 * agree with BullMQ's own `getJobState` for every state, and commands written in one turn of the
 * event loop leave in one system call with their replies unchanged.
 */
describe('job states and Redis writes (service tier)', () => {
  let t: TestApp;

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t?.close());

  it('answers held, completed, failed or unknown as getJobState does, in one call for many ids', async () => {
    const name = `states-${Date.now()}`;
    const connection = t.app.get(RedisConnections).client;
    const prefix = t.config.queue.prefix;
    // Queues of their own: one no worker takes from, one whose worker finishes a job each way.
    const queue = new Queue(`${name}-idle`, { connection, prefix });
    await queue.add(name, {}, { jobId: `${name}-waiting` });
    await queue.add(name, {}, { jobId: `${name}-delayed`, delay: 60_000 });
    await queue.add(name, {}, { jobId: `${name}-prioritized`, priority: 3 });
    const finished = [`${name}-ok`, `${name}-fails`];
    const own = new Queue(`${name}-q`, { connection, prefix });
    for (const id of finished) await own.add(name, {}, { jobId: id, attempts: 1 });
    const worker = new Worker(
      `${name}-q`,
      async (job) => {
        if (job.id === `${name}-fails`) throw new Error('on purpose');
      },
      { connection: t.app.get(RedisConnections).forWorker(), prefix },
    );
    await waitFor(
      async () =>
        (await Promise.all(finished.map((id) => own.getJobState(id)))).every(
          (s) => s === 'completed' || s === 'failed',
        ),
      30_000,
      'both jobs finished by the worker',
    );
    await worker.close();

    const ids = ['waiting', 'delayed', 'prioritized', 'missing'].map((s) => `${name}-${s}`);
    expect(await heldStates(queue, ids)).toEqual(['held', 'held', 'held', 'unknown']);
    expect(await Promise.all(ids.map((id) => queue.getJobState(id)))).toEqual([
      'waiting',
      'delayed',
      'prioritized',
      'unknown',
    ]);
    expect(await heldStates(own, finished)).toEqual(['completed', 'failed']);
    // More ids than one call carries: order kept across chunks.
    const many = Array.from({ length: 1203 }, (_, i) => (i % 2 ? `${name}-waiting` : `${name}-none-${i}`));
    const answers = await heldStates(queue, many);
    expect(answers).toHaveLength(1203);
    expect(answers.every((a, i) => a === (i % 2 ? 'held' : 'unknown'))).toBe(true);
    for (const q of [queue, own]) {
      await q.obliterate({ force: true });
      await q.close();
    }
  });

  it('sends the commands of one turn of the event loop in one system call, replies unchanged', async () => {
    const client = t.app.get(RedisConnections).client;
    const socket = client.stream as unknown as { _write: Function; _writev: Function };
    let calls = 0;
    const [write, writev] = [socket._write, socket._writev];
    socket._write = function (this: unknown, ...args: unknown[]) {
      calls++;
      return write.apply(this, args);
    };
    socket._writev = function (this: unknown, ...args: unknown[]) {
      calls++;
      return writev.apply(this, args);
    };
    try {
      const key = `coalesce-${Date.now()}`;
      const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.rpush(key, String(i))));
      expect(calls).toBe(1);
      expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await client.lrange(key, 0, -1)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
      await client.del(key);
    } finally {
      Object.assign(socket, { _write: write, _writev: writev });
    }
  });
});
