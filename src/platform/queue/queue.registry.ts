import type { JobsOptions } from 'bullmq';

/**
 * The one registry of queues and job names. Every job name has exactly one `@OnJob` handler;
 * start-up fails otherwise (JobDispatcher). Queues carry ids, never personal data: state lives in
 * PostgreSQL.
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
  Collections: 'collections',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
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
  /** Collections: one import's rows; every running campaign's due sends and promise reminders. */
  'collections.import': { queue: QueueName.Collections },
  'collections.tick': { queue: QueueName.Collections, schedule: { every: 10_000 } },
} satisfies Record<string, JobDefinition>;

/**
 * Every job name the code may enqueue or handle, checked by the compiler. JOBS declares them; a
 * module (or a test fixture) with jobs of its own widens the set by declaration merging:
 * `declare module '.../queue.registry' { interface JobNames { 'crm.sync': true } }`, and adds
 * their definitions to the registry it starts the app with.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobNames extends Record<keyof typeof JOBS, true> {}
export type JobName = keyof JobNames & string;

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
