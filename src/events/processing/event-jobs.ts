import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import { JobName, QueueName } from '../../platform/queue/queue.registry';

/** Job names by queue: one name per queue, all handled by EventProcessor. */
export const EVENT_JOB_BY_QUEUE: Partial<Record<QueueName, JobName>> = {
  [QueueName.EventsHigh]: 'events.process-high',
  [QueueName.Events]: 'events.process',
  [QueueName.EventsLow]: 'events.process-low',
  [QueueName.Retry]: 'events.retry',
};

/**
 * The job for an event's next attempt. The id is derived from the event, its retry round (a
 * manual retry starts a new one) and the attempts made, so the writer, the relay and the retry
 * path can all enqueue it and BullMQ keeps one — while a manual retry is never swallowed by the
 * delayed retry of the previous round.
 */
export function eventJob(
  eventId: string,
  queue: string,
  attempts: number,
  roundStart: number,
  delayMs = 0,
): EnqueueItem<{ eventId: string }> {
  const retry = attempts > 0;
  return {
    name: EVENT_JOB_BY_QUEUE[retry ? QueueName.Retry : (queue as QueueName)] ?? 'events.process',
    data: { eventId },
    opts: { jobId: `evt-${eventId}-r${roundStart}-${attempts}`, delay: delayMs || undefined },
  };
}
