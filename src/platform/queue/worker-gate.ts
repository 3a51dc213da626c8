import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { Clock } from '../clock';
import { HealthDetail } from '../health/health-detail';
import { HealthService } from '../health/health.service';
import { MaintenanceMode } from '../maintenance';
import { JobDispatcher } from './job-dispatcher';

/** How often a worker asks readiness whether PostgreSQL and Redis are reachable. */
const CHECK_INTERVAL_MS = 1000;

/**
 * Workers take no jobs while readiness says PostgreSQL or Redis is down: a job taken then could
 * only be put back (JobDispatcher), so the queue is left as it is and work resumes, in order, as
 * soon as both answer again.
 */
@Injectable()
export class WorkerGate implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerGate');
  private timer?: NodeJS.Timeout;
  private checking = false;
  private pausedSince?: Date;
  private pauses = 0;
  private sawMaintenance = false;

  constructor(
    private readonly health: HealthService,
    private readonly dispatcher: JobDispatcher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly maintenance: MaintenanceMode,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.isWorker) return;
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  @HealthDetail('workers')
  workers() {
    return {
      paused: this.pausedSince !== undefined,
      pausedSince: this.pausedSince?.toISOString() ?? null,
      pauses: this.pauses,
      jobsPutBackByOutages: this.dispatcher.outagesSeen,
    };
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One readiness check, then pause or resume the workers; checks never overlap. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const dependencies = await this.health.dependencies();
      const down = Object.entries(dependencies)
        .filter(([, c]) => c.status === 'down')
        .map(([name]) => `${name} unavailable`);
      // A restore (maintenance mode) pauses workers like an outage: nothing may run on a database being replaced.
      if (this.maintenance.current) down.push('maintenance');
      if (this.maintenance.current) this.sawMaintenance = true;
      if (down.length > 0 && !this.pausedSince) {
        this.pausedSince = this.clock.now();
        this.pauses++;
        this.logger.warn(`${down.join(' and ')}: workers paused`);
        await this.dispatcher.pauseWorkers();
      } else if (down.length === 0 && this.pausedSince) {
        const seconds = Math.round((this.clock.nowMs() - this.pausedSince.getTime()) / 1000);
        this.pausedSince = undefined;
        this.logger.log(`dependencies back (or maintenance over) after ${seconds} s: workers resumed`);
        await this.dispatcher.resumeWorkers();
      }
      if (this.sawMaintenance && !this.maintenance.current) {
        // A restore pauses the queues in Redis and resumes them when done; had it died first, its
        // flag lapses and this puts the queues back to work (idempotent when already resumed).
        this.sawMaintenance = false;
        await this.dispatcher.resumeQueues();
      }
    } catch (err) {
      this.logger.warn(`worker gate check failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
