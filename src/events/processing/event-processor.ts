import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { Clock } from '../../platform/clock';
import { eventsConfig } from '../events.config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { untilReachable } from '../../platform/queue/dependency-outage';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { Places } from '../../platform/queue/places';
import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { AppConfig } from '../../config/config';
import { DlqService } from '../dlq/dlq.service';
import { EventAttempt } from '../store/event.entity';
import { DispatchOutcome, EventHandlers, StoredEvent } from './event-handlers';
import { EventJobData, eventJob } from './event-jobs';
import { ClaimedRow, EventStatements } from './event-statements';

/**
 * Runs the subscribers on an event: claim (status `processing`, attempt counted), dispatch, then
 * `processed`, or `failed` with a retry on the `retry` queue, or `dead` and the DLQ. Each outcome
 * is one UPDATE that also records the subscribers that finished (`handled_by`) and what the
 * enriching ones added to the data, so a retry runs only the subscribers that failed. The claim,
 * the enrichment and `processed` are shared by the events concurrent jobs process (EventStatements).
 */
@Injectable()
export class EventProcessor {
  private readonly logger = new Logger('EventProcessor');
  private readonly schedule: RetrySchedule;
  private readonly outcomes;
  private readonly latency;
  private readonly statements: EventStatements;
  /** Events run at once from this worker's jobs: a batch job takes a place for each of its events. */
  private readonly places: Places;

  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
    private readonly jobs: JobQueue,
    private readonly dlq: DlqService,
    private readonly clock: Clock,
    @InjectConfig(eventsConfig) config: ConfigOf<typeof eventsConfig>,
    metrics: MetricsService,
    app: AppConfig,
  ) {
    this.schedule = RetrySchedule.parse(config.retrySchedule);
    this.places = new Places(app.queue.batchConcurrency);
    this.statements = new EventStatements(dataSource);
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
  high(data: EventJobData): Promise<void> {
    return this.processJob(data);
  }

  @OnJob('events.process')
  normal(data: EventJobData): Promise<void> {
    return this.processJob(data);
  }

  @OnJob('events.process-low')
  low(data: EventJobData): Promise<void> {
    return this.processJob(data);
  }

  @OnJob('events.retry')
  retry(data: EventJobData): Promise<void> {
    return this.processJob(data);
  }

  /**
   * A job's events, each in a place of its own, all at once. An outage in one puts the whole job
   * back (JobDispatcher): when it runs again, the events it finished are skipped by their claims.
   */
  async processJob(data: EventJobData): Promise<void> {
    const ids = 'eventIds' in data ? data.eventIds : [data.eventId];
    const runs = await Promise.allSettled(ids.map((id) => this.places.run(() => this.process(id))));
    const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async process(eventId: string): Promise<void> {
    const row = await this.statements.claim(eventId);
    if (!row) return; // processed, dead, or unknown: nothing to do
    await this.run(row);
  }

  /**
   * The attempt of an event claimed (by `process`, or stored claimed by EventsHere). Throws only
   * for an outage, after giving the attempt back: the caller puts the event's job back.
   */
  async run(row: ClaimedRow): Promise<void> {
    const event: StoredEvent = {
      id: row.id,
      workspaceId: row.workspace_id,
      sourceId: row.source_id,
      type: row.type,
      data: row.data,
      attempts: row.attempts,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      dedupeKey: row.dedupe_key,
    };
    const startedAt = new Date();
    let stored = false; // the enrichment, before the plain subscribers ran: not written again
    const outcome = await this.handlers.dispatch(event, row.handled_by, async (enrichment) => {
      await this.statements.enrich(row.id, enrichment);
      stored = true;
    });
    if (outcome.outage) {
      // Not the event's failure: give the attempt back and let the job be put back (JobDispatcher).
      await this.release(row, outcome);
      throw outcome.outage;
    }
    if (outcome.failures.length) {
      await this.fail(row, startedAt, outcome);
      return;
    }
    await this.statements.markProcessed({
      id: row.id,
      attempt: this.attempt(row.attempts, startedAt, 'processed'),
      enrichment: stored ? {} : outcome.enrichment,
    });
    this.outcomes.inc({ outcome: 'processed' });
    // received_at was written from the same clock (EventBus, IngestService).
    this.latency.observe((this.clock.nowMs() - new Date(row.received_at).getTime()) / 1000);
  }

  /**
   * The SET clauses (and their parameters, numbered from `first`) that record what a run finished:
   * the subscribers done and the enrichment, if any.
   */
  private recording(outcome: DispatchOutcome, first: number): { sql: string; params: unknown[] } {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (outcome.done.length) {
      params.push(outcome.done);
      sets.push(`handled_by = handled_by || $${first + params.length - 1}::text[]`);
    }
    if (Object.keys(outcome.enrichment).length) {
      params.push(JSON.stringify(outcome.enrichment));
      sets.push(`data = data || $${first + params.length - 1}::jsonb`);
    }
    return { sql: sets.map((set) => `, ${set}`).join(''), params };
  }

  /**
   * Undoes the claim after a dependency outage, if PostgreSQL answers (when it does not, the next
   * run counts one attempt more and runs again the subscribers that finished: they are
   * idempotent, and the log shows no failure).
   */
  private async release(row: ClaimedRow, outcome: DispatchOutcome): Promise<void> {
    const done = this.recording(outcome, 3);
    await this.dataSource
      .query(
        `UPDATE events SET attempts = attempts - 1,
           status = CASE WHEN attempts - 1 > retry_round_start THEN 'failed' ELSE 'received' END${done.sql}
         WHERE id = $1 AND status = 'processing' AND attempts = $2`,
        [row.id, row.attempts, ...done.params],
      )
      .catch(() => undefined);
  }

  private async fail(row: ClaimedRow, startedAt: Date, outcome: DispatchOutcome): Promise<void> {
    const message = outcome.failures
      .map((f) => `${f.name}: ${f.error.message}`)
      .join('; ')
      .slice(0, 1000);
    const delay = this.schedule.delayBefore(row.attempts - row.retry_round_start + 1, 0.2);
    const dead = delay === undefined;
    const done = this.recording(outcome, 5);
    const mark = async (q: { query: DataSource['query'] }) => {
      const [rows]: [unknown[]] = await q.query(
        `UPDATE events SET status = $2, last_error = $3, attempt_log = attempt_log || $4::jsonb${done.sql}
         WHERE id = $1 AND status = 'processing' RETURNING id`,
        [
          row.id,
          dead ? 'dead' : 'failed',
          message,
          JSON.stringify([this.attempt(row.attempts, startedAt, 'failed', message)]),
          ...done.params,
        ],
      );
      return rows.length > 0;
    };
    this.outcomes.inc({ outcome: dead ? 'dead' : 'failed' });
    if (!dead) {
      await mark(this.dataSource);
      await this.jobs.enqueueBulk([eventJob(row.id, row.queue, row.attempts, row.retry_round_start, delay)]);
      return;
    }
    // `dead` and its DLQ entry are one write: a job run again after it finds nothing to claim.
    const entry = {
      workspaceId: row.workspace_id,
      kind: 'event' as const,
      refId: row.id,
      summary: row.type,
      error: message,
      attempts: row.attempts,
    };
    if (await untilReachable(() => this.dlq.deadLetter(mark, entry)))
      this.logger.warn(`event ${row.id} (${row.type}) is dead after ${row.attempts} attempts`);
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
