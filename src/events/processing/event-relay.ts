import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxSweep, StuckWork } from '../../platform/outbox/outbox-relay';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { eventJob, eventJobName } from './event-jobs';

const BATCH = 2000;

interface PendingRow {
  id: string;
  queue: string;
  status: string;
  attempts: number;
  retry_round_start: number;
  job_id: string | null;
}

/**
 * The event store's share of the outbox relay: stored events whose job BullMQ may not hold, but
 * not those whose storing process is running them under a live lease (EventsHere), nor those
 * whose first attempt a batch job still holds (`job_id`, EventWriter).
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
      const rows: PendingRow[] = await this.dataSource.query(
        `SELECT id, queue, status, attempts, retry_round_start, job_id FROM events
         WHERE status IN ('received', 'processing', 'failed') AND id > $1
           AND received_at < now() - make_interval(secs => $2)
           AND (lease_until IS NULL OR lease_until < now())
         ORDER BY id LIMIT ${BATCH}`,
        [after, graceSeconds],
      );
      if (rows.length === 0) return total;
      const carried = await this.carried(rows);
      // A `processing` event's job is the one of its current attempt; the others wait for the next.
      total += await this.jobs.reoffer(
        rows
          .filter((r) => !carried.has(r.id))
          .map((r) => eventJob(r.id, r.queue, jobAttempts(r), r.retry_round_start)),
      );
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) return total;
    }
  }

  /**
   * The rows whose first attempt is still due from the batch job that carries it (waiting,
   * delayed or running): that job is theirs, as `evt-<id>-r0-0` would be. A batch job gone,
   * finished or failed with the row unfinished leaves the row to a job of its own.
   */
  private async carried(rows: PendingRow[]): Promise<Set<string>> {
    const firsts = rows.filter((r) => r.job_id && r.retry_round_start === 0 && jobAttempts(r) === 0);
    const byName = new Map<string, PendingRow[]>();
    for (const r of firsts) {
      const name = eventJobName(r.queue);
      const list = byName.get(name) ?? [];
      list.push(r);
      byName.set(name, list);
    }
    const held = new Set<string>();
    for (const [name, list] of byName) {
      const jobIds = [...new Set(list.map((r) => r.job_id!))];
      const states = await this.jobs.states(name, jobIds);
      const holding = new Set(jobIds.filter((_, i) => states[i] === 'held'));
      for (const r of list) if (holding.has(r.job_id!)) held.add(r.id);
    }
    return held;
  }
}

/** The attempts made before the attempt a row's job is for. */
function jobAttempts(r: PendingRow): number {
  return r.status === 'processing' ? Math.max(0, r.attempts - 1) : r.attempts;
}
