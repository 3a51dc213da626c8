import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { dependencyOutage, untilReachable } from '../../platform/queue/dependency-outage';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { DlqService } from '../dlq/dlq.service';
import { EventAttempt } from '../store/event.entity';
import { EventHandlers, StoredEvent } from './event-handlers';
import { eventJob } from './event-jobs';

interface ClaimedRow {
  id: string;
  workspace_id: string;
  source_id: string | null;
  type: string;
  data: Record<string, unknown>;
  attempts: number;
  retry_round_start: number;
  occurred_at: Date;
  received_at: Date;
  queue: string;
}

/**
 * Runs the subscribed handlers on an event: claim (status `processing`, attempt counted), dispatch,
 * then `processed`, or `failed` with a retry on the `retry` queue, or `dead` and the DLQ.
 */
@Injectable()
export class EventProcessor {
  private readonly logger = new Logger('EventProcessor');
  private readonly schedule: RetrySchedule;
  private readonly outcomes;
  private readonly latency;

  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
    private readonly jobs: JobQueue,
    private readonly dlq: DlqService,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.schedule = RetrySchedule.parse(config.retries.event);
    this.outcomes = metrics.counter({
      name: 'ponte_events_processed_total',
      help: 'Event attempts by outcome',
      labelNames: ['outcome'],
    });
    this.latency = metrics.histogram({
      name: 'ponte_event_processing_latency_seconds',
      help: 'From receipt to processed',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    });
  }

  @OnJob('events.process-high')
  high(data: { eventId: string }): Promise<void> {
    return this.process(data.eventId);
  }

  @OnJob('events.process')
  normal(data: { eventId: string }): Promise<void> {
    return this.process(data.eventId);
  }

  @OnJob('events.process-low')
  low(data: { eventId: string }): Promise<void> {
    return this.process(data.eventId);
  }

  @OnJob('events.retry')
  retry(data: { eventId: string }): Promise<void> {
    return this.process(data.eventId);
  }

  async process(eventId: string): Promise<void> {
    // `processing` is claimable too: a worker killed mid-attempt leaves it so, and BullMQ re-runs the job.
    const [rows]: [ClaimedRow[]] = await this.dataSource.query(
      `UPDATE events SET status = 'processing', attempts = attempts + 1
       WHERE id = $1 AND status IN ('received', 'failed', 'processing')
       RETURNING id, workspace_id, source_id, type, data, attempts, retry_round_start, occurred_at, received_at, queue`,
      [eventId],
    );
    const row = rows[0];
    if (!row) return; // processed, dead, or unknown: nothing to do
    const event: StoredEvent = {
      id: row.id,
      workspaceId: row.workspace_id,
      sourceId: row.source_id,
      type: row.type,
      data: row.data,
      attempts: row.attempts,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
    };
    const startedAt = new Date();
    try {
      await this.handlers.dispatch(event);
    } catch (err) {
      if (dependencyOutage(err)) {
        // Not the event's failure: give the attempt back and let the job be put back (JobDispatcher).
        await this.release(row);
        throw err;
      }
      await this.fail(row, startedAt, err as Error);
      return;
    }
    await this.dataSource.query(
      `UPDATE events SET status = 'processed', processed_at = now(), last_error = NULL,
         attempt_log = attempt_log || $2::jsonb
       WHERE id = $1 AND status = 'processing'`,
      [eventId, JSON.stringify([this.attempt(row.attempts, startedAt, 'processed')])],
    );
    this.outcomes.inc({ outcome: 'processed' });
    this.latency.observe((Date.now() - new Date(row.received_at).getTime()) / 1000);
  }

  /**
   * Undoes the claim after a dependency outage, if PostgreSQL answers (when it does not, the next
   * run counts one attempt more: handlers are idempotent, and the log shows no failure).
   */
  private async release(row: ClaimedRow): Promise<void> {
    await this.dataSource
      .query(
        `UPDATE events SET attempts = attempts - 1,
           status = CASE WHEN attempts - 1 > retry_round_start THEN 'failed' ELSE 'received' END
         WHERE id = $1 AND status = 'processing' AND attempts = $2`,
        [row.id, row.attempts],
      )
      .catch(() => undefined);
  }

  private async fail(row: ClaimedRow, startedAt: Date, err: Error): Promise<void> {
    const message = err.message.slice(0, 1000);
    const delay = this.schedule.delayBefore(row.attempts - row.retry_round_start + 1, 0.2);
    const dead = delay === undefined;
    await this.dataSource.query(
      `UPDATE events SET status = $2, last_error = $3, attempt_log = attempt_log || $4::jsonb WHERE id = $1`,
      [
        row.id,
        dead ? 'dead' : 'failed',
        message,
        JSON.stringify([this.attempt(row.attempts, startedAt, 'failed', message)]),
      ],
    );
    this.outcomes.inc({ outcome: dead ? 'dead' : 'failed' });
    if (dead) {
      this.logger.warn(`event ${row.id} (${row.type}) is dead after ${row.attempts} attempts`);
      // Recorded `dead`: a job run again would find nothing to claim, so the entry must be made now.
      await untilReachable(() =>
        this.dlq.add({
          workspaceId: row.workspace_id,
          kind: 'event',
          refId: row.id,
          summary: row.type,
          error: message,
          attempts: row.attempts,
        }),
      );
    } else {
      await this.jobs.enqueueBulk([eventJob(row.id, row.queue, row.attempts, row.retry_round_start, delay)]);
    }
  }

  private attempt(
    n: number,
    startedAt: Date,
    outcome: EventAttempt['outcome'],
    error?: string,
  ): EventAttempt {
    return {
      attempt: n,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      outcome,
      error,
    };
  }
}
