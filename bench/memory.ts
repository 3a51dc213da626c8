import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { loadConfig } from '../src/config/config';
import { eventJob } from '../src/events/processing/event-jobs';
import { EagerWorker } from '../src/platform/queue/eager-worker';
import { withJobId } from '../src/platform/queue/job-queue.service';
import { defaultJobOptions, QueueName } from '../src/platform/queue/queue.registry';
import { e2e, lastE2eRss } from './e2e';
import { Report, settle } from './support';

const JOBS = Number(process.env.BENCH_MEMORY_JOBS ?? 1_000_000);
const BATCH = 1000;

async function usedMemoryMb(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  return Math.round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024);
}

/**
 * memory: RSS of Ponte after `e2e` (taken from that run, or run here), and Redis memory after a
 * million jobs have gone through a queue with Ponte's own job options (its event jobs, its
 * trimming of finished jobs, its worker concurrency). Targets (quality.md): ≤ 400 MB; ≤ 200 MB.
 */
export async function memory(): Promise<void> {
  const report = new Report('memory');
  if (!lastE2eRss) await e2e();
  report.figure('app-rss-after-e2e', {
    rssMb: lastE2eRss!.app,
    processes: lastE2eRss!.processes,
    targetMb: 400,
  });

  await settle();
  const config = loadConfig({ QUEUE_PREFIX: `bench-memory-${randomUUID().slice(0, 8)}` });
  const connection = new IORedis(config.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.EventsHigh, {
    connection,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config.queue),
  });
  let done = 0;
  const worker = new EagerWorker(QueueName.EventsHigh, async () => undefined, {
    connection: new IORedis(config.redis.url, { maxRetriesPerRequest: null }),
    prefix: config.queue.prefix,
    concurrency: config.queue.concurrency,
  });
  worker.on('completed', () => done++);
  try {
    const before = await usedMemoryMb(connection);
    let peak = before;
    const started = performance.now();
    for (let added = 0; added < JOBS; added += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, JOBS - added) }, () => {
        const job = eventJob(randomUUID(), QueueName.EventsHigh, 0, 0);
        return { name: job.name, data: job.data, opts: withJobId(job.name, job.opts ?? {}) };
      });
      await queue.addBulk(jobs);
      // Producers outrunning the worker would measure a backlog, not retention: keep it bounded.
      while (added - done > 50_000) await new Promise((r) => setTimeout(r, 50));
      if (added % 100_000 === 0) peak = Math.max(peak, await usedMemoryMb(connection));
    }
    while (done < JOBS) await new Promise((r) => setTimeout(r, 200));
    const seconds = (performance.now() - started) / 1000;
    const after = await usedMemoryMb(connection);
    const counts = await queue.getJobCounts('completed', 'failed', 'wait', 'active');
    report.figure('redis-after-1m-jobs', {
      jobs: JOBS,
      jobsPerSecond: Math.round(JOBS / seconds),
      redisUsedMbBefore: before,
      redisUsedMbPeak: Math.max(peak, after),
      redisUsedMbAfter: after,
      retained: counts,
      targetMb: 200,
    });
    report.save({ rssMb: lastE2eRss!.app, redisUsedMbAfter: after });
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}
