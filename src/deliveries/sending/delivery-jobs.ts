import type { EnqueueItem } from '../../platform/queue/job-queue.service';

/** The job of a delivery's next attempt; `tag` distinguishes a rate-limit deferral of that attempt. */
export function deliveryJob(
  deliveryId: string,
  attempts: number,
  delayMs = 0,
  tag = '',
): EnqueueItem<{ deliveryId: string }> {
  return {
    name: 'deliveries.send',
    data: { deliveryId },
    opts: { jobId: `dlv-${deliveryId}-${attempts}${tag}`, delay: delayMs || undefined },
  };
}
