import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { jobRegistry, QueueName } from '../../src/platform/queue/queue.registry';
import { waitFor } from '../support/private-redis';
import { ProbeJobs, ProbeJobsModule } from '../support/probe.module';
import { startTestApp } from '../support/test-app';

// Every job the app declares (JOBS and each module's defineJobs), plus the probe's.
const registry = { ...jobRegistry(), 'probe.run': { queue: QueueName.Maintenance } };

describe('job registry and workers', () => {
  beforeEach(() => {
    ProbeJobs.ran = [];
  });

  it('refuses to start when a job name has no handler, naming it', async () => {
    await expect(
      startTestApp({
        jobRegistry: { ...registry, 'probe.orphan': { queue: QueueName.Maintenance } },
        imports: [ProbeJobsModule],
      }),
    ).rejects.toThrow(/job "probe\.orphan" has no handler/);
  });

  it('refuses to start when a handler names no registered job', async () => {
    await expect(startTestApp({ jobRegistry: jobRegistry(), imports: [ProbeJobsModule] })).rejects.toThrow(
      /@OnJob\('probe\.run'\) on ProbeJobs\.run names no job of the registry/,
    );
  });

  it('runs jobs by name with non-integer ids, in bulk too', async () => {
    const t = await startTestApp({ jobRegistry: registry, imports: [ProbeJobsModule] });
    try {
      const jobs = t.app.get(JobQueue);
      const id = await jobs.enqueue('probe.run', { n: 1 });
      expect(id).toMatch(/^probe\.run-[0-9a-f-]{36}$/);
      await jobs.enqueueBulk([1, 2, 3].map((n) => ({ name: 'probe.run', data: { n } })));
      await expect(jobs.enqueue('probe.run', {}, { jobId: '42' })).rejects.toThrow(/plain integer/);
      await waitFor(async () => ProbeJobs.ran.length === 4, 10_000, 'four jobs');
      expect(ProbeJobs.ran.map((r) => (r.data as { n: number }).n).sort()).toEqual([1, 1, 2, 3].sort());
    } finally {
      await t.close();
    }
  });

  it('adds a small group job by job and a large one through addBulk, each with its id and options', async () => {
    const t = await startTestApp({ jobRegistry: registry, imports: [ProbeJobsModule] });
    try {
      const jobs = t.app.get(JobQueue);
      const queue = jobs.queue(QueueName.Maintenance);
      const addBulk = jest.spyOn(queue, 'addBulk');
      const delayed = await queue.getDelayedCount(); // the app's own schedulers
      const later = { delay: 600_000 };
      const group = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({
          name: 'probe.run' as const,
          data: { n: i },
          opts: { ...later, jobId: `probe.run-${tag}-${i}` },
        }));
      await jobs.enqueueBulk(group(3, 'small'));
      // A pipeline per small group is what filled the old generation (JobQueue.enqueueBulk).
      expect(addBulk).not.toHaveBeenCalled();
      await jobs.enqueueBulk(group(51, 'large'));
      expect(addBulk).toHaveBeenCalledTimes(1);
      for (const id of ['probe.run-small-2', 'probe.run-large-50']) {
        const job = await queue.getJob(id);
        expect(job?.name).toBe('probe.run');
        expect(job?.opts.delay).toBe(600_000);
        expect(await job?.getState()).toBe('delayed');
      }
      expect(await queue.getDelayedCount()).toBe(delayed + 54);
      // The same ids again are the same jobs (a caller's stable id deduplicates), both ways.
      await jobs.enqueueBulk([...group(3, 'small'), ...group(51, 'large')]);
      expect(await queue.getDelayedCount()).toBe(delayed + 54);
      addBulk.mockRestore();
    } finally {
      await t.close();
    }
  });

  it('lets an active job finish during a graceful shutdown', async () => {
    const t = await startTestApp({ jobRegistry: registry, imports: [ProbeJobsModule] });
    let closed = false;
    try {
      await t.app.get(JobQueue).enqueue('probe.run', { slowMs: 1500 });
      const queue = t.app.get(JobQueue).queue(QueueName.Maintenance);
      await waitFor(async () => (await queue.getActiveCount()) === 1, 10_000, 'the job to start');
      const closing = t.close().then(() => (closed = true));
      expect(ProbeJobs.ran).toHaveLength(0);
      await closing;
      expect(ProbeJobs.ran).toHaveLength(1);
    } finally {
      if (!closed) await t.close();
    }
  });

  it('does not run workers in the api role', async () => {
    const t = await startTestApp({
      jobRegistry: registry,
      imports: [ProbeJobsModule],
      env: { APP_ROLE: 'api' },
    });
    try {
      await t.app.get(JobQueue).enqueue('probe.run', {});
      await new Promise((r) => setTimeout(r, 500));
      expect(ProbeJobs.ran).toHaveLength(0);
      expect(await t.app.get(JobQueue).queue(QueueName.Maintenance).getWaitingCount()).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('serves only health and metrics in the worker role', async () => {
    const t = await startTestApp({
      jobRegistry: registry,
      imports: [ProbeJobsModule],
      env: { APP_ROLE: 'worker' },
    });
    try {
      expect((await t.http().get('/health')).status).toBe(200);
      expect((await t.http().get('/v1/anything')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
