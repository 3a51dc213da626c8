import type { EnqueueItem } from '../../platform/queue/job-queue.service';

/**
 * The job of a delivery's next attempt, named by retry round (a recovery starts a new one) and
 * attempts made, as event jobs are; `tag` distinguishes a rate-limit deferral of that attempt.
 */
export function deliveryJob(
  deliveryId: string,
  attempts: number,
  roundStart: number,
  delayMs = 0,
  tag = '',
): EnqueueItem<{ deliveryId: string }> {
  return {
    name: 'deliveries.send',
    data: { deliveryId },
    opts: { jobId: `dlv-${deliveryId}-r${roundStart}-${attempts}${tag}`, delay: delayMs || undefined },
  };
}
