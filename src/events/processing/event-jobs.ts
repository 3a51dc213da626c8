import { fillBatchJobs, rowsByJob } from '../../platform/queue/batch-jobs';
import type { EnqueueItem } from '../../platform/queue/job-queue.service';
import { JobName, QueueName } from '../../platform/queue/queue.registry';

/** Job names by queue: one name per queue, all handled by EventProcessor. */
export const EVENT_JOB_BY_QUEUE: Partial<Record<QueueName, JobName>> = {
  [QueueName.EventsHigh]: 'events.process-high',
  [QueueName.Events]: 'events.process',
  [QueueName.EventsLow]: 'events.process-low',
  [QueueName.Retry]: 'events.retry',
};

/** The name of a queue's events jobs. */
export const eventJobName = (queue: string): JobName =>
  EVENT_JOB_BY_QUEUE[queue as QueueName] ?? 'events.process';

/**
 * The job for an event's next attempt. The id is derived from the event, its retry round (a
 * manual retry starts a new one) and the attempts made, so the relay, the retry path and a run
 * handed back can all enqueue it and BullMQ keeps one — while a manual retry is never swallowed by
 * the delayed retry of the previous round. A new event's first attempt usually rides in a batch
 * job instead (assignBatchJobs), which the relay treats as this job while it is held.
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
    name: eventJobName(retry ? QueueName.Retry : queue),
    data: { eventId },
    opts: { jobId: `evt-${eventId}-r${roundStart}-${attempts}`, delay: delayMs || undefined },
  };
}

/** New events a queue job carries at most: one job (one addBulk entry, one fetch) for a flush's events. */
export const EVENT_JOB_BATCH = 50;

/** What an events job carries: one event (a retry, the relay, a run handed back), or new ones. */
export type EventJobData = { eventId: string } | { eventIds: string[] };

/**
 * Gives each new row the id of the job that will carry its first attempt (`evb-<first row's
 * id>`): rows by queue, EVENT_JOB_BATCH a job (see fillBatchJobs).
 */
export function assignBatchJobs(rows: Array<{ id: string; queue: string; jobId?: string | null }>): void {
  fillBatchJobs(
    rows,
    EVENT_JOB_BATCH,
    (row) => row.queue,
    (first) => `evb-${first.id}`,
  );
}

/** The jobs for rows stored with their batch's id: one per batch; a row without one gets its own. */
export function firstAttemptJobs(
  rows: Array<{ id: string; queue: string; jobId?: string | null }>,
): Array<EnqueueItem<EventJobData>> {
  const jobs: Array<EnqueueItem<EventJobData>> = rows
    .filter((row) => !row.jobId)
    .map((row) => eventJob(row.id, row.queue, 0, 0));
  for (const [jobId, batch] of rowsByJob(rows))
    jobs.push({
      name: eventJobName(batch[0].queue),
      data: { eventIds: batch.map((row) => row.id) },
      opts: { jobId },
    });
  return jobs;
}
