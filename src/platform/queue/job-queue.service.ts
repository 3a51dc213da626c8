import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { JobsOptions, Queue } from 'bullmq';
import { v7 as uuidv7 } from 'uuid';
import { HeldState, heldStates } from './job-states';
import { JOB_REGISTRY, JobName, JobRegistry, QueueName } from './queue.registry';

export interface EnqueueItem<T = unknown> {
  name: JobName;
  data: T;
  opts?: JobsOptions;
}

/** Up to this many jobs for one queue are added one by one rather than by `addBulk`. */
const SMALL_BATCH = 50;

/**
 * Enqueues jobs by name: the registry says which queue. Job ids are never plain integers (BullMQ's
 * own counter would collide after a Redis wipe): a caller's stable id deduplicates, otherwise a
 * UUIDv7. Bulk enqueues are grouped per queue (see enqueueBulk).
 */
@Injectable()
export class JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(JOB_REGISTRY) private readonly registry: JobRegistry,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.queues.set(name, queue);
    }
    return queue;
  }

  queueOf(job: string): Queue {
    const def = this.registry[job];
    if (!def)
      throw new Error(
        `Unknown job name "${job}": declare it with defineJobs (src/platform/queue/queue.registry.ts)`,
      );
    return this.queue(def.queue);
  }

  async enqueue<T>(name: EnqueueItem<T>['name'], data: T, opts: JobsOptions = {}): Promise<string> {
    const job = await this.queueOf(name).add(name, data, withJobId(name, opts));
    return job.id!;
  }

  /**
   * A small group is added job by job, all at once: the commands leave in one write all the same
   * (the connection's writes are coalesced) and each is the same script `addBulk` runs, but
   * `addBulk` builds an ioredis `Pipeline`, which copies every one of BullMQ's ~50 scripts onto
   * itself: ~9 KB a call that outlives two scavenges and is promoted, so at 1,000 webhooks/s it
   * was 60 % of what reached the old generation and a major GC (a 30–60 ms stall of answers)
   * every 3 s. Past SMALL_BATCH jobs the pipeline's lower cost per job wins.
   */
  async enqueueBulk(items: EnqueueItem[]): Promise<void> {
    await Promise.all(
      [...this.byQueue(items)].map(([queue, jobs]) =>
        jobs.length > SMALL_BATCH
          ? queue.addBulk(jobs)
          : Promise.all(jobs.map((j) => queue.add(j.name, j.data, j.opts))),
      ),
    );
  }

  /** Items grouped by their queue, each with its job id fixed (see withJobId). */
  private byQueue(items: EnqueueItem[]): Map<Queue, Array<Required<EnqueueItem>>> {
    const groups = new Map<Queue, Array<Required<EnqueueItem>>>();
    for (const item of items) {
      const queue = this.queueOf(item.name);
      const list = groups.get(queue) ?? [];
      list.push({ ...item, opts: withJobId(item.name, item.opts ?? {}) });
      groups.set(queue, list);
    }
    return groups;
  }

  /** What BullMQ holds under each id, of jobs named `name` (see heldStates). */
  states(name: string, jobIds: string[]): Promise<HeldState[]> {
    return jobIds.length ? heldStates(this.queueOf(name), jobIds) : Promise.resolve([]);
  }

  /**
   * For the outbox relay: offers each job whatever BullMQ holds under its id. A job that is
   * waiting, delayed or running is left alone; one that failed or completed while its row is not
   * finished (a worker that could not record its outcome) is removed and added again, and a
   * missing one (Redis wiped) is added. `stale` narrows what counts as stale for work that may
   * legitimately finish a job unfinished (a deferral that left a tagged job in its place).
   * Returns how many were (re)added.
   */
  async reoffer(
    items: EnqueueItem[],
    stale: Array<'failed' | 'completed'> = ['failed', 'completed'],
  ): Promise<number> {
    const offered = await Promise.all(
      [...this.byQueue(items)].map(async ([queue, jobs]) => {
        const states = await heldStates(
          queue,
          jobs.map((j) => j.opts.jobId!),
        );
        const replaced = jobs.filter((_, i) => (stale as string[]).includes(states[i]));
        await Promise.all(replaced.map((j) => queue.remove(j.opts.jobId!)));
        return jobs.filter((j, i) => states[i] === 'unknown' || replaced.includes(j));
      }),
    ).then((lists) => lists.flat());
    await this.enqueueBulk(offered);
    return offered.length;
  }
}

export function withJobId(name: string, opts: JobsOptions): JobsOptions {
  if (opts.jobId !== undefined && /^\d+$/.test(opts.jobId)) {
    throw new Error(`Job id "${opts.jobId}" for ${name} is a plain integer; use a prefixed or UUID id`);
  }
  return { ...opts, jobId: opts.jobId ?? `${name}-${uuidv7()}` };
}
