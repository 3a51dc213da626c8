import { getQueueToken } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '../../config/config';
import { dependencyOutage, outageBackoffMs } from './dependency-outage';
import { EagerWorker } from './eager-worker';
import { ON_JOB } from './on-job.decorator';
import { ALL_QUEUES, BATCHED_QUEUES, JOB_REGISTRY, JobRegistry, QueueName } from './queue.registry';
import { RedisConnections } from './redis.connections';

type Handler = (data: unknown, job: Job) => Promise<unknown>;

export class JobHandlerError extends Error {}

/**
 * Finds every `@OnJob` method, checks that each registered job name has exactly one handler (and
 * each handler a registered name), then, in worker roles, runs one BullMQ Worker per queue that
 * dispatches by job name and upserts the job schedulers.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, Handler>();
  private readonly workers: Worker[] = [];
  private closing = false;
  /** Jobs put back because a dependency was unreachable, since start (for /health/detailed). */
  outagesSeen = 0;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    @Inject(JOB_REGISTRY) private readonly registry: JobRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.collectHandlers();
    // An EventEmitter 'error' with no listener would crash the process while Redis is down.
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
    }
    if (!this.config.isWorker) return;
    const queues = new Set(Object.values(this.registry).map((d) => d.queue));
    for (const queue of queues) this.workers.push(this.startWorker(queue));
    await this.upsertSchedulers();
  }

  private collectHandlers(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const name = this.reflector.get<string | undefined>(ON_JOB, instance[method] as Function);
        if (!name) continue;
        found.set(name, [...(found.get(name) ?? []), `${instance.constructor.name}.${method}`]);
        this.handlers.set(name, (instance[method] as Handler).bind(instance));
      }
    }
    const problems: string[] = [];
    for (const name of Object.keys(this.registry)) {
      const where = found.get(name) ?? [];
      if (where.length === 0)
        problems.push(`job "${name}" has no handler: add @OnJob('${name}') to a provider method`);
      if (where.length > 1) problems.push(`job "${name}" has ${where.length} handlers: ${where.join(', ')}`);
    }
    for (const [name, where] of found) {
      if (!this.registry[name])
        problems.push(`@OnJob('${name}') on ${where.join(', ')} names no job of the registry`);
    }
    if (problems.length) throw new JobHandlerError(`Job registry check failed:\n  ${problems.join('\n  ')}`);
  }

  private startWorker(queue: QueueName): Worker {
    const worker = new EagerWorker(queue, (job, token) => this.dispatch(job, token), {
      connection: this.redis.forWorker(),
      prefix: this.config.queue.prefix,
      concurrency: BATCHED_QUEUES.has(queue)
        ? this.config.queue.batchConcurrency
        : this.config.queue.concurrency,
      lockDuration: this.config.queue.lockDurationMs,
      stalledInterval: this.config.queue.stalledIntervalMs,
      maxStalledCount: 2,
    });
    worker.on('failed', (job, err) =>
      this.logger.warn(`${queue}/${job?.name ?? '?'} ${job?.id ?? ''} failed: ${err.message}`),
    );
    worker.on('error', (err) => this.logger.error(`worker ${queue}: ${err.message}`));
    return worker;
  }

  /**
   * A job that failed because PostgreSQL or Redis is unreachable has not failed: it goes back to
   * the delayed set under the same id, spending no attempt, and runs again once it is due (the
   * WorkerGate pauses the workers meanwhile). Other errors fail the job as usual.
   */
  private async dispatch(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}"`);
    try {
      return await handler(job.data, job);
    } catch (err) {
      const down = dependencyOutage(err);
      if (!down || !token) throw err;
      // With Redis down this throws too: the job stays active, its lock lapses, and BullMQ's
      // stalled check puts it back to waiting once Redis returns.
      // BullMQ compares delays with real time (Redis), so this is Date.now, not the injected clock.
      await job.moveToDelayed(Date.now() + outageBackoffMs(), token);
      this.outagesSeen++;
      throw new DelayedError(`${down} unavailable: put back`);
    }
  }

  /** Stop taking jobs (the running ones finish or are put back); see WorkerGate. */
  async pauseWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.pause(true)));
  }

  async resumeWorkers(): Promise<void> {
    if (this.closing) return; // resuming a closing worker would start its loop again
    await Promise.all(this.workers.map((w) => w.resume()));
  }

  /** Undoes a global (Redis-side) pause of every queue, as a restore leaves it if it dies. */
  async resumeQueues(): Promise<void> {
    await Promise.all(
      ALL_QUEUES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }).resume()),
    );
  }

  /** Idempotent: every job scheduler of the registry. */
  async upsertSchedulers(): Promise<void> {
    if (!this.config.isWorker) return;
    for (const [name, def] of Object.entries(this.registry)) {
      if (!def.schedule) continue;
      const queue = this.moduleRef.get<Queue>(getQueueToken(def.queue), { strict: false });
      await queue.upsertJobScheduler(name, def.schedule, { name, data: {} });
    }
  }

  /**
   * The registry's job schedulers that Redis no longer holds (wiped, flushed) are created again;
   * the outbox relay calls this on every tick. Returns how many were missing.
   */
  async restoreSchedulers(): Promise<number> {
    if (!this.config.isWorker) return 0;
    const scheduled = Object.entries(this.registry).filter(([, def]) => def.schedule);
    const present = new Set<string>();
    for (const queueName of new Set(scheduled.map(([, def]) => def.queue))) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(queueName), { strict: false });
      for (const s of await queue.getJobSchedulers(0, -1)) present.add(`${queueName}/${s.key}`);
    }
    let restored = 0;
    for (const [name, def] of scheduled) {
      if (present.has(`${def.queue}/${name}`)) continue;
      const queue = this.moduleRef.get<Queue>(getQueueToken(def.queue), { strict: false });
      await queue.upsertJobScheduler(name, def.schedule!, { name, data: {} });
      restored++;
    }
    return restored;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    // Worker.close() stops taking jobs and waits for the active ones to finish. With Redis gone it
    // would wait forever for the lock renewals: then force it (stalled jobs are picked up again).
    const redisUp = this.redis.client.status === 'ready';
    await Promise.all(this.workers.map((w) => (redisUp ? w.close() : w.close(true))));
  }
}
