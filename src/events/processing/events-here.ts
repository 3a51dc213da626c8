import { Injectable, Logger } from '@nestjs/common';
import { LocalRuns } from '../../platform/queue/local-runs';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { QueueName } from '../../platform/queue/queue.registry';
import type { EventRow } from '../store/event-writer';
import { eventJob } from './event-jobs';
import { EventProcessor } from './event-processor';
import type { ClaimedRow } from './event-statements';

/** How long the relay leaves an event to the process that stored it and runs it (EventsHere). */
export const EVENT_LEASE_SECONDS = 60;

/**
 * New events whose subscribers run in the process that stored them (LocalRuns, kind `events`):
 * EventWriter stores each one already claimed (`processing`, its first attempt counted) with a
 * lease, and the run starts once the row is committed, from the row in hand: no job, no claim, no
 * read. Bulk syncs' events (`events-low`) still queue behind the rest, and so does everything past
 * the places free. The relay leaves a leased event alone; a process killed mid-run leaves the
 * lease to run out (EVENT_LEASE_SECONDS), then the relay offers the event's job, as for a worker
 * killed mid-job.
 */
@Injectable()
export class EventsHere {
  private readonly logger = new Logger('EventsHere');

  constructor(
    private readonly local: LocalRuns,
    private readonly processor: EventProcessor,
    private readonly jobs: JobQueue,
  ) {}

  /** Takes a place for each row that may run here, while there are places: answers their ids. */
  take(rows: EventRow[]): Set<string> {
    const here = new Set<string>();
    for (const r of rows) {
      if (r.queue === QueueName.EventsLow || !this.local.take('events')) continue;
      here.add(r.id);
    }
    return here;
  }

  /** Places taken for rows that will not run (not stored, or a duplicate). */
  giveBack(count: number): void {
    for (let i = 0; i < count; i++) this.local.release('events');
  }

  /** Runs each committed row, its data as stored (`json`, what was written). */
  start(rows: EventRow[], json: Map<string, string>): void {
    for (const r of rows) {
      this.local.run('events', () =>
        this.runHere({
          id: r.id,
          workspace_id: r.workspaceId,
          source_id: r.sourceId,
          type: r.type,
          data: JSON.parse(json.get(r.id)!) as Record<string, unknown>,
          attempts: 1,
          retry_round_start: 0,
          occurred_at: r.occurredAt,
          received_at: r.receivedAt,
          queue: r.queue,
          handled_by: [],
          dedupe_key: r.dedupeKey,
        }),
      );
    }
  }

  /**
   * A run that threw (an outage: the attempt was given back) goes to the event's job. Should Redis
   * refuse it too, the relay offers the event once its lease has run out.
   */
  private async runHere(row: ClaimedRow): Promise<void> {
    try {
      await this.processor.run(row);
    } catch (err) {
      this.logger.warn(`event ${row.id}: handed to a job (${(err as Error).message})`);
      await this.jobs.enqueueBulk([eventJob(row.id, row.queue, 0, 0)]).catch(() => undefined);
    }
  }
}
