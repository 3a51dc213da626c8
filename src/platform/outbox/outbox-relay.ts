import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { AppConfig } from '../../config/config';
import { HealthDetail } from '../health/health-detail';
import { MetricsService } from '../metrics/metrics.service';
import { declare, definePluginPoint } from '../plugins/plugin-point';
import { PluginRegistry } from '../plugins/plugin-registry';
import { JobDispatcher } from '../queue/job-dispatcher';
import { RedisConnections } from '../queue/redis.connections';
import { outboxConfig } from './outbox.config';

/** Rows younger than this are the writer's to enqueue; older unprocessed ones are the relay's. */
const GRACE_SECONDS = 10;

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
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly redis: RedisConnections,
    private readonly app: AppConfig,
    @InjectConfig(outboxConfig) private readonly config: ConfigOf<typeof outboxConfig>,
    private readonly plugins: PluginRegistry,
    metrics: MetricsService,
  ) {
    const counts = () => this.stuckCounts();
    metrics.gauge({
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
    if (!this.app.isWorker) return;
    this.timer = setInterval(() => void this.sweep(), this.config.relayIntervalMs);
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

  /** Runs every declared sweep; returns how many jobs were (re)added. */
  sweep(graceSeconds = GRACE_SECONDS): Promise<number> {
    this.running ??= Promise.all(
      this.plugins.get(RELAY_SWEEP).map(async ({ name, handler: run }): Promise<[string, number]> => {
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
    const threshold = this.config.stuckAfterSeconds;
    const entries = await Promise.all(
      this.plugins
        .get(STUCK_WORK)
        .map(async ({ name, handler: count }) => [name, await count(threshold)] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Every role reports stuck work (an API instance is what operators look at). */
  @HealthDetail('stuckWork')
  stuckWork(): Promise<Record<string, number> | { status: 'unavailable' }> {
    return this.stuckCounts().catch(() => ({ status: 'unavailable' as const }));
  }
}
