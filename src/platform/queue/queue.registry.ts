import type { JobsOptions } from 'bullmq';

/**
 * The registry of queues and job names. Every job name has exactly one `@OnJob` handler; start-up
 * fails otherwise (JobDispatcher). Queues carry ids, never personal data: state lives in
 * PostgreSQL. The queues and jobs below are the first modules'; a new module declares its own from
 * its folder with `defineQueue` and `defineJobs` (see there), never by editing this file.
 */
export const QueueName = {
  EventsHigh: 'events-high',
  Events: 'events',
  EventsLow: 'events-low',
  Retry: 'retry',
  Deliveries: 'deliveries',
  Notifications: 'notifications',
  Workflows: 'workflows',
  Maintenance: 'maintenance',
} as const;
/**
 * Every queue name, checked by the compiler; a module with a queue of its own widens it by
 * declaration merging: `declare module '.../queue.registry' { interface QueueNames { crm: true } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface QueueNames extends Record<(typeof QueueName)[keyof typeof QueueName], true> {}
export type QueueName = keyof QueueNames & string;
/**
 * The hot path's queues: their workers run WORKER_BATCH_CONCURRENCY jobs at once, and their
 * handlers write through `Batched` statements, so concurrent jobs share one statement and commit.
 */
export const BATCHED_QUEUES: ReadonlySet<string> = new Set<string>([
  QueueName.EventsHigh,
  QueueName.Events,
  QueueName.EventsLow,
  QueueName.Retry,
  QueueName.Workflows,
  QueueName.Notifications,
]);
/** Live: `defineQueue` adds to it (health, metrics and the operator console list it at start). */
export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

export interface JobDefinition {
  queue: QueueName;
  /** Scheduled jobs: a BullMQ job scheduler fires them once per tick whatever the number of workers. */
  schedule?: { pattern: string; tz?: string } | { every: number };
}

export const JOBS = {
  'audit.purge': {
    queue: QueueName.Maintenance,
    schedule: { pattern: '15 3 * * *', tz: 'America/Sao_Paulo' },
  },
  'idempotency.purge': { queue: QueueName.Maintenance, schedule: { every: 60 * 60 * 1000 } },
  'sources.purge-rejections': {
    queue: QueueName.Maintenance,
    schedule: { pattern: '30 3 * * *', tz: 'America/Sao_Paulo' },
  },
  'events.anonymise': {
    queue: QueueName.Maintenance,
    schedule: { pattern: '45 3 * * *', tz: 'America/Sao_Paulo' },
  },
  'events.process-high': { queue: QueueName.EventsHigh },
  'events.process': { queue: QueueName.Events },
  'events.process-low': { queue: QueueName.EventsLow },
  'events.retry': { queue: QueueName.Retry },
  'deliveries.send': { queue: QueueName.Deliveries },
  'notifications.send': { queue: QueueName.Notifications },
  'whatsapp.mark-read': { queue: QueueName.Notifications },
  'workflows.run': { queue: QueueName.Workflows },
  /** Fired by one dynamic job scheduler per scheduled workflow (`wf-cron-<workflow id>`). */
  'workflows.cron': { queue: QueueName.Workflows },
} satisfies Record<string, JobDefinition>;

/**
 * Every job name the code may enqueue or handle, checked by the compiler. JOBS declares the first
 * modules'; a module (or a test fixture) with jobs of its own widens the set by declaration
 * merging: `declare module '.../queue.registry' { interface JobNames { 'crm.sync': true } }`, and
 * declares their definitions with `defineJobs`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobNames extends Record<keyof typeof JOBS, true> {}
export type JobName = keyof JobNames & string;

const declaredJobs: JobRegistry = {};

/**
 * A module's own queue, declared at import time from the module's folder (with its `QueueNames`
 * entry). A queue already declared throws: use it by name instead.
 */
export function defineQueue<Q extends QueueName>(name: Q): Q {
  if (ALL_QUEUES.includes(name)) throw new Error(`Queue "${name}" is declared twice`);
  ALL_QUEUES.push(name);
  return name;
}

/**
 * A module's own jobs, declared at import time from the module's folder, with their `JobNames`
 * entries:
 *
 * ```ts
 * declare module '../platform/queue/queue.registry' { interface JobNames { 'crm.sync': true } }
 * defineJobs({ 'crm.sync': { queue: QueueName.Maintenance } });
 * ```
 *
 * A name declared twice, or a job on an undeclared queue, throws. The app starts with
 * `jobRegistry()`: JOBS and every declared job.
 */
export function defineJobs(jobs: Partial<Record<JobName, JobDefinition>>): void {
  for (const [name, def] of Object.entries<JobDefinition>(jobs as Record<string, JobDefinition>)) {
    if (name in JOBS || name in declaredJobs) throw new Error(`Job "${name}" is declared twice`);
    if (!ALL_QUEUES.includes(def.queue))
      throw new Error(`Job "${name}": queue "${def.queue}" is not declared (defineQueue)`);
    declaredJobs[name] = def;
  }
}

/** The registry the app starts with: JOBS and every module's `defineJobs`. */
export function jobRegistry(): JobRegistry {
  return { ...JOBS, ...declaredJobs };
}

/** Injection token so a test can start the app with a registry of its own. */
export const JOB_REGISTRY = Symbol('JOB_REGISTRY');
export type JobRegistry = Record<string, JobDefinition>;

/**
 * Every job's defaults: one attempt (retries are scheduled by the code that knows the policy), and
 * finished jobs trimmed so Redis holds what is running, not history (PostgreSQL keeps that).
 */
export function defaultJobOptions(queue: { keepCompleted: number; keepFailed: number }): JobsOptions {
  return {
    attempts: 1,
    removeOnComplete: { count: queue.keepCompleted, age: 24 * 3600 },
    removeOnFail: { count: queue.keepFailed, age: 14 * 24 * 3600 },
  };
}
