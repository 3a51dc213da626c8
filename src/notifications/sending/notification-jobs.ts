import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import type { Priority } from './notification.entity';

/** BullMQ priorities: lower runs first, so high overtakes normal and low already waiting. */
export const JOB_PRIORITY: Record<Priority, number> = { high: 1, normal: 5, low: 10 };

/**
 * The job of a notification's next provider call, named by the calls made so far: the API, the
 * sender's retries and the relay offering it again all produce the same id, and BullMQ keeps one.
 */
export function notificationJob(
  notificationId: string,
  attempts: number,
  priority: string,
  delayMs = 0,
): EnqueueItem<{ notificationId: string }> {
  return {
    name: 'notifications.send',
    data: { notificationId },
    opts: {
      jobId: `ntf-${notificationId}-${attempts}`,
      delay: delayMs > 0 ? delayMs : undefined,
      priority: JOB_PRIORITY[priority as Priority] ?? JOB_PRIORITY.normal,
    },
  };
}
