import { v7 as uuidv7 } from 'uuid';
import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import type { Priority } from './notification.entity';

/** BullMQ priorities: lower runs first, so high overtakes normal and low already waiting. */
export const JOB_PRIORITY: Record<Priority, number> = { high: 1, normal: 5, low: 10 };

/** A `sending` row untouched this long lost its worker (and its job, if Redis was wiped). */
export const STUCK_SENDING_MS = 120_000;

/** New notifications a first-call job carries at most (one BullMQ add for a flush's rows). */
export const NOTIFICATION_JOB_BATCH = 50;

/**
 * What a `notifications.send` job carries: one notification's next call, or the first calls of
 * new ones stored by the same flush. `attempts`: the calls made when the job was enqueued; a job
 * for an older count is stale and does nothing.
 */
export type NotificationJobData =
  { notificationId: string; attempts: number } | { notificationIds: string[]; attempts: 0 };

/**
 * The job of a notification's next provider call, named by the calls made so far: the API, the
 * sender's retries and the relay offering it again all produce the same id, and BullMQ keeps one.
 * `tag` distinguishes a wait for the provider's rate limit from the job that is waiting.
 */
export function notificationJob(
  notificationId: string,
  attempts: number,
  priority: string,
  delayMs = 0,
  tag = '',
): EnqueueItem<NotificationJobData> {
  return {
    name: 'notifications.send',
    data: { notificationId, attempts },
    opts: {
      jobId: `ntf-${notificationId}-${attempts}${tag}`,
      delay: delayMs > 0 ? Math.round(delayMs) : undefined,
      priority: priorityOf(priority),
    },
  };
}

function priorityOf(priority: string): number {
  return JOB_PRIORITY[priority as Priority] ?? JOB_PRIORITY.normal;
}

interface FirstCallRow {
  id: string;
  priority: string;
  jobId?: string | null;
}

/**
 * Gives each row due now the id of the batch job that will carry its first call (`ntb-<uuid>`:
 * a caller may choose a notification's id, so a batch is not named after one), by priority,
 * NOTIFICATION_JOB_BATCH a job. Stored with the row (`notifications.job_id`), so the relay knows
 * which job holds it. Given again at each flush of the rows (a batch refused and flushed request
 * by request).
 */
export function assignBatchJobs(rows: FirstCallRow[]): void {
  const open = new Map<string, { jobId: string; size: number }>();
  for (const row of rows) {
    let job = open.get(row.priority);
    if (!job || job.size === NOTIFICATION_JOB_BATCH) {
      job = { jobId: `ntb-${uuidv7()}`, size: 0 };
      open.set(row.priority, job);
    }
    row.jobId = job.jobId;
    job.size++;
  }
}

/** One job per batch of rows stored with a batch's id (see assignBatchJobs). */
export function batchJobs(rows: FirstCallRow[]): Array<EnqueueItem<NotificationJobData>> {
  const batches = new Map<string, { priority: string; notificationIds: string[] }>();
  for (const row of rows) {
    const batch = batches.get(row.jobId!) ?? { priority: row.priority, notificationIds: [] };
    batch.notificationIds.push(row.id);
    batches.set(row.jobId!, batch);
  }
  return [...batches].map(([jobId, { priority, notificationIds }]) => ({
    name: 'notifications.send',
    data: { notificationIds, attempts: 0 },
    opts: { jobId, priority: priorityOf(priority) },
  }));
}
