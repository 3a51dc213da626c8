import { Injectable, Module } from '@nestjs/common';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { EventBus } from '../../src/events/bus/event-bus';
import { OnEvent, StoredEvent } from '../../src/events/processing/event-handlers';
import { EVENT_JOB_BATCH, EventJobData } from '../../src/events/processing/event-jobs';
import { EventProcessor } from '../../src/events/processing/event-processor';
import { EventRelay } from '../../src/events/processing/event-relay';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { startProcessorApp } from '../support/processor-app';
import { waitFor } from '../support/private-redis';
import type { TestApp } from '../support/test-app';

@Injectable()
class Counter {
  static runs = new Map<string, number>();

  @OnEvent('count.each', 'carried.*')
  each(event: StoredEvent): Promise<void> {
    Counter.runs.set(event.id, (Counter.runs.get(event.id) ?? 0) + 1);
    return Promise.resolve();
  }
}

@Module({ providers: [Counter] })
class CounterModule {}

/**
 * An API process enqueues a flush's new events as batch jobs (`evb-<first id>`, up to
 * EVENT_JOB_BATCH events each), not a job each. The relay treats a held batch job as each of its
 * events' own job; a batch job gone (Redis wiped) or finished with an event unfinished leaves that
 * event to a job of its own.
 */
describe('events carried by batch jobs (service)', () => {
  let t: TestApp;
  let processor: EventProcessor;
  let db: DataSource;
  let workspaceId: string;

  beforeAll(async () => {
    ({ t, processor, db, workspaceId } = await startProcessorApp([CounterModule]));
  });
  afterAll(() => t.close());
  beforeEach(() => Counter.runs.clear());

  const queue = () => t.app.get(JobQueue).queue(QueueName.Events);
  const emitAll = async (n: number) =>
    (
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          t.app.get(EventBus).emit(workspaceId, 'carried.created', { n: i }),
        ),
      )
    ).map((w) => w.id);
  const jobIds = (ids: string[]) =>
    db.query<Array<{ id: string; job_id: string | null }>>(
      'SELECT id, job_id FROM events WHERE id = ANY($1::uuid[]) ORDER BY id',
      [ids],
    );
  /** The relay as a worker runs it, on rows older than its grace. */
  const relay = async (ids: string[]) => {
    await db.query(
      `UPDATE events SET received_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return t.app.get(EventRelay).relayEvents(60);
  };
  const ownJobs = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => queue().getJob(`evt-${id}-r0-0`)))).filter(Boolean).length;
  const settled = async (ids: string[]) =>
    db.query<Array<{ status: string; attempts: number }>>(
      'SELECT status, attempts FROM events WHERE id = ANY($1::uuid[]) ORDER BY id',
      [ids],
    );

  it('one flush of new events is one job carrying them all; the relay leaves them to it while it is held', async () => {
    const ids = await emitAll(EVENT_JOB_BATCH + 10);

    const stored = await jobIds(ids);
    const carriers = [...new Set(stored.map((r) => r.job_id))];
    expect(carriers.every((id) => id?.startsWith('evb-'))).toBe(true);
    // the flush held them all: two jobs (50 + 10), far fewer than one an event
    const jobs = await Promise.all(carriers.map((id) => queue().getJob(id!)));
    const carried = jobs.flatMap((j) => (j!.data as { eventIds: string[] }).eventIds);
    expect(carried.sort()).toEqual([...ids].sort());
    expect(jobs.every((j) => (j!.data as { eventIds: string[] }).eventIds.length <= EVENT_JOB_BATCH)).toBe(
      true,
    );
    expect(carriers.length).toBeLessThan(ids.length / 10);
    expect(await ownJobs(ids)).toBe(0);

    // waiting: the relay adds nothing
    expect(await relay(ids)).toBe(0);
    expect(await ownJobs(ids)).toBe(0);

    // a worker runs the jobs: every event once
    for (const job of jobs) await processor.processJob(job!.data as EventJobData);
    expect((await settled(ids)).every((r) => r.status === 'processed' && r.attempts === 1)).toBe(true);
    expect(ids.map((id) => Counter.runs.get(id))).toEqual(ids.map(() => 1));
    // a job run again (a worker killed after it finished) changes nothing
    await processor.processJob(jobs[0]!.data as EventJobData);
    expect(ids.map((id) => Counter.runs.get(id))).toEqual(ids.map(() => 1));
  });

  it('a batch job lost (Redis wiped) or finished with its events unfinished leaves each to a job of its own', async () => {
    const lost = await emitAll(3);
    const finished = await emitAll(3);
    const [lostJob] = new Set((await jobIds(lost)).map((r) => r.job_id!));
    const [finishedJob] = new Set((await jobIds(finished)).map((r) => r.job_id!));
    await queue().remove(lostJob);
    // an old worker took the job and completed it without recording the events
    const connection = new IORedis(t.config.redis.url, { maxRetriesPerRequest: null });
    const old = new Worker(QueueName.Events, async () => undefined, {
      connection,
      prefix: t.config.queue.prefix,
    });
    await waitFor(async () => (await queue().getJobState(finishedJob)) === 'completed', 15_000, 'taken');
    await old.close();
    connection.disconnect();

    expect(await relay([...lost, ...finished])).toBe(6);
    expect(await ownJobs([...lost, ...finished])).toBe(6);
    for (const id of [...lost, ...finished]) {
      const own = await queue().getJob(`evt-${id}-r0-0`);
      if (own) await processor.processJob(own.data as EventJobData);
    }
    const all = [...lost, ...finished];
    expect((await settled(all)).every((r) => r.status === 'processed')).toBe(true);
    expect(all.map((id) => Counter.runs.get(id))).toEqual(all.map(() => 1));
  });
});
