import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import type { Priority } from './notification.entity';

/** BullMQ priorities: lower runs first, so high overtakes normal and low already waiting. */
export const JOB_PRIORITY: Record<Priority, number> = { high: 1, normal: 5, low: 10 };

/** A `sending` row untouched this long lost its worker (and its job, if Redis was wiped). */
export const STUCK_SENDING_MS = 120_000;

export interface NotificationJobData {
  notificationId: string;
  /** The calls made when the job was enqueued: a job for an older count is stale and does nothing. */
  attempts: number;
}

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
      priority: JOB_PRIORITY[priority as Priority] ?? JOB_PRIORITY.normal,
    },
  };
}
