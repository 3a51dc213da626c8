import { v7 as uuidv7 } from 'uuid';
import { fillBatchJobs, rowsByJob } from '../../platform/queue/batch-jobs';
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
 * Gives each row due now the id of the batch job that will carry its first call: by priority,
 * NOTIFICATION_JOB_BATCH a job (see fillBatchJobs), named `ntb-<uuid>` since a caller may choose a
 * notification's id. Given again at each flush of the rows (a batch refused and flushed request
 * by request).
 */
export function assignBatchJobs(rows: FirstCallRow[]): void {
  fillBatchJobs(
    rows,
    NOTIFICATION_JOB_BATCH,
    (row) => row.priority,
    () => `ntb-${uuidv7()}`,
  );
}

/** One job per batch of the rows stored with a batch's id (the others are left out). */
export function batchJobs(rows: FirstCallRow[]): Array<EnqueueItem<NotificationJobData>> {
  return [...rowsByJob(rows)].map(([jobId, batch]) => ({
    name: 'notifications.send',
    data: { notificationIds: batch.map((row) => row.id), attempts: 0 },
    opts: { jobId, priority: priorityOf(batch[0].priority) },
  }));
}
