import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import { QueueName } from '../../platform/queue/queue.registry';

/** Job names by queue: one name per queue, all handled by EventProcessor. */
export const EVENT_JOB_BY_QUEUE: Partial<Record<QueueName, string>> = {
  [QueueName.EventsHigh]: 'events.process-high',
  [QueueName.Events]: 'events.process',
  [QueueName.EventsLow]: 'events.process-low',
  [QueueName.Retry]: 'events.retry',
};

/**
 * The job for an event's next attempt. The job id is derived from the event and attempt, so the
 * writer, the relay and a retry can all enqueue it and BullMQ keeps one.
 */
export function eventJob(
  eventId: string,
  queue: string,
  attempts: number,
  delayMs = 0,
): EnqueueItem<{ eventId: string }> {
  const retry = attempts > 0;
  return {
    name: EVENT_JOB_BY_QUEUE[retry ? QueueName.Retry : (queue as QueueName)] ?? 'events.process',
    data: { eventId },
    opts: { jobId: `evt-${eventId}-${attempts}`, delay: delayMs || undefined, priority: undefined },
  };
}
