import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxSweep, StuckWork } from '../../platform/outbox/outbox-relay';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { eventJob } from './event-jobs';

const BATCH = 2000;

/**
 * The event store's share of the outbox relay: stored events whose job BullMQ may not hold, but
 * not those whose storing process is running them under a live lease (EventsHere).
 */
@Injectable()
export class EventRelay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  @StuckWork('events')
  async stuckEvents(thresholdSeconds: number): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM events WHERE status IN ('received', 'processing')
         AND received_at < now() - make_interval(secs => $1)`,
      [thresholdSeconds],
    );
    return Number(row.n);
  }

  @OutboxSweep('events')
  async relayEvents(graceSeconds: number): Promise<number> {
    let total = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: Array<{
        id: string;
        queue: string;
        status: string;
        attempts: number;
        retry_round_start: number;
      }> = await this.dataSource.query(
        `SELECT id, queue, status, attempts, retry_round_start FROM events
         WHERE status IN ('received', 'processing', 'failed') AND id > $1
           AND received_at < now() - make_interval(secs => $2)
           AND (lease_until IS NULL OR lease_until < now())
         ORDER BY id LIMIT ${BATCH}`,
        [after, graceSeconds],
      );
      if (rows.length === 0) return total;
      // A `processing` event's job is the one of its current attempt; the others wait for the next.
      total += await this.jobs.reoffer(
        rows.map((r) =>
          eventJob(
            r.id,
            r.queue,
            r.status === 'processing' ? Math.max(0, r.attempts - 1) : r.attempts,
            r.retry_round_start,
          ),
        ),
      );
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) return total;
    }
  }
}
