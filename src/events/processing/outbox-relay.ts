import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { JobDispatcher } from '../../platform/queue/job-dispatcher';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { RedisConnections } from '../../platform/queue/redis.connections';
import { eventJob } from './event-jobs';

/** Rows younger than this are the writer's to enqueue; older unprocessed ones are the relay's. */
const GRACE_SECONDS = 10;
const BATCH = 2000;

/**
 * PostgreSQL is the source of truth. Every few seconds (and as soon as Redis comes back) each
 * worker re-enqueues the events that are stored but not processed; job ids are derived from the
 * event and attempt, so BullMQ ignores what it already holds and a wiped Redis gets it all back.
 */
/** Re-enqueues a module's stored, unfinished work older than `graceSeconds`; returns how many. */
export type RelaySweep = (graceSeconds: number) => Promise<number>;

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly sweeps = new Map<string, RelaySweep>([['events', (grace) => this.relayEvents(grace)]]);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly dispatcher: JobDispatcher,
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.isWorker) return;
    this.timer = setInterval(() => void this.sweep(), this.config.outbox.relayIntervalMs);
    this.timer.unref();
    // Redis back (maybe empty): schedules and pending events again, without waiting for the tick.
    this.redis.client.on('ready', () => {
      void this.dispatcher.upsertSchedulers().catch(() => undefined);
      void this.sweep(0);
    });
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Other modules (deliveries...) relay their own stored work on the same tick. */
  register(name: string, sweep: RelaySweep): void {
    this.sweeps.set(name, sweep);
  }

  /** Runs every registered sweep; returns how many jobs were offered. */
  sweep(graceSeconds = GRACE_SECONDS): Promise<number> {
    this.running ??= Promise.all(
      [...this.sweeps].map(([name, run]) =>
        run(graceSeconds).catch((err: Error) => {
          this.logger.warn(`relay sweep of ${name} failed: ${err.message}`);
          return 0;
        }),
      ),
    )
      .then((counts) => counts.reduce((a, b) => a + b, 0))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async relayEvents(graceSeconds: number): Promise<number> {
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
         ORDER BY id LIMIT ${BATCH}`,
        [after, graceSeconds],
      );
      if (rows.length === 0) return total;
      // A `processing` event's job is the one of its current attempt; the others wait for the next.
      await this.jobs.enqueueBulk(
        rows.map((r) =>
          eventJob(
            r.id,
            r.queue,
            r.status === 'processing' ? Math.max(0, r.attempts - 1) : r.attempts,
            r.retry_round_start,
          ),
        ),
      );
      total += rows.length;
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) return total;
    }
  }
}
