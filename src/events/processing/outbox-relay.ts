import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { HealthService } from '../../platform/health/health.service';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { JobDispatcher } from '../../platform/queue/job-dispatcher';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { RedisConnections } from '../../platform/queue/redis.connections';
import { eventJob } from './event-jobs';

/** Rows younger than this are the writer's to enqueue; older unprocessed ones are the relay's. */
const GRACE_SECONDS = 10;
const BATCH = 2000;

/** Re-offers a module's stored, unfinished work older than `graceSeconds`; returns how many jobs it (re)added. */
export type RelaySweep = (graceSeconds: number) => Promise<number>;
/** How many of a module's rows sit in a non-final state for longer than `thresholdSeconds`. */
export type StuckCount = (thresholdSeconds: number) => Promise<number>;

export const RELAY_SWEEP = definePluginPoint<RelaySweep>({ title: 'outbox sweep' });
export const STUCK_WORK = definePluginPoint<StuckCount>({
  title: 'stuck-work count',
  pairedWith: () => [RELAY_SWEEP as never],
});

/** `@OutboxSweep('deliveries')`: a method `(graceSeconds) => jobs re-added`, run on every relay tick. */
export const OutboxSweep = (name: string) => declare(RELAY_SWEEP, name);
/** `@StuckWork('deliveries')`: a method `(thresholdSeconds) => rows stuck`, for health and metrics. */
export const StuckWork = (name: string) => declare(STUCK_WORK, name);

/**
 * PostgreSQL is the source of truth. Every few seconds (and as soon as Redis comes back) each
 * worker offers again the work that is stored but not finished: events, deliveries,
 * notifications, workflow timers and steps (each module declares its `@OutboxSweep`), and the job
 * schedulers. Job ids are derived from the row and its attempt, and `JobQueue.reoffer` adds a job
 * only when BullMQ holds none under that id or holds a failed or completed one, so a wiped Redis
 * gets everything back and a job that failed because it could not record its outcome runs again.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private sweeps = new Map<string, RelaySweep>();
  private stuck = new Map<string, StuckCount>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly dispatcher: JobDispatcher,
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
    private readonly plugins: PluginRegistry,
  ) {}

  onModuleInit(): void {
    this.sweeps = new Map(this.plugins.get(RELAY_SWEEP).map((d) => [d.name, d.handler]));
    this.stuck = new Map(this.plugins.get(STUCK_WORK).map((d) => [d.name, d.handler]));
    // Every role reports stuck work (an API instance is what operators look at).
    this.health.contribute('stuckWork', () =>
      this.stuckCounts().catch(() => ({ status: 'unavailable' as const })),
    );
    const counts = () => this.stuckCounts();
    this.metrics.gauge({
      name: 'ponte_stuck_work',
      help: `Rows in a non-final state for longer than STUCK_WORK_AFTER_SECONDS, by kind`,
      labelNames: ['kind'],
      async collect() {
        const found = await counts().catch(() => undefined);
        if (!found) return; // PostgreSQL down: no sample rather than a wrong zero
        for (const [kind, n] of Object.entries(found)) this.set({ kind }, n);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.isWorker) return;
    this.timer = setInterval(() => void this.sweep(), this.config.outbox.relayIntervalMs);
    this.timer.unref();
    // Redis back (maybe empty): schedules and pending events again, without waiting for the tick.
    this.redis.client.on('ready', () => void this.sweep(0));
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  @OutboxSweep('schedulers')
  restoreSchedulers(): Promise<number> {
    return this.dispatcher.restoreSchedulers();
  }

  /** Runs every registered sweep; returns how many jobs were (re)added. */
  sweep(graceSeconds = GRACE_SECONDS): Promise<number> {
    this.running ??= Promise.all(
      [...this.sweeps].map(async ([name, run]): Promise<[string, number]> => {
        try {
          return [name, await run(graceSeconds)];
        } catch (err) {
          this.logger.warn(`relay sweep of ${name} failed: ${(err as Error).message}`);
          return [name, 0];
        }
      }),
    )
      .then((counts) => {
        const offered = counts.filter(([, n]) => n > 0);
        // Something had no live job: after an outage or a wipe, say what was put back.
        if (offered.length) this.logger.log(`re-offered ${offered.map(([k, n]) => `${n} ${k}`).join(', ')}`);
        return counts.reduce((sum, [, n]) => sum + n, 0);
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Per kind, the rows older than STUCK_WORK_AFTER_SECONDS in a non-final state. */
  async stuckCounts(): Promise<Record<string, number>> {
    const threshold = this.config.outbox.stuckAfterSeconds;
    const entries = await Promise.all(
      [...this.stuck].map(async ([name, count]) => [name, await count(threshold)] as const),
    );
    return Object.fromEntries(entries);
  }

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
