import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { MaintenanceMode } from '../maintenance';

/** What runs here instead of as a job on its hot queue: each kind has its queue's own bound. */
export type LocalRunKind = 'events' | 'walks' | 'sends';

/**
 * Places for running, in the process that stored it, work that would otherwise be a job on a hot
 * queue (a new event's subscribers, a new workflow execution's walk, a workflow notification's
 * first call): a queue hop fewer, and the rows in hand. At most WORKER_BATCH_CONCURRENCY runs of
 * each kind at once in a process (a hot queue's own bound); past it, in an API process, once
 * shutting down and in maintenance (a restore pauses the queues and waits only for their jobs), the
 * work goes through its queue. Work held here when its process dies is recovered as a job's would
 * be (a lease or a `sending` state that runs out, then the relay).
 */
@Injectable()
export class LocalRuns implements BeforeApplicationShutdown {
  private readonly limit: number;
  private readonly held: Record<LocalRunKind, number> = { events: 0, walks: 0, sends: 0 };
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    config: AppConfig,
    private readonly maintenance: MaintenanceMode,
  ) {
    this.limit = config.isWorker ? config.queue.batchConcurrency : 0;
  }

  /** A place for one run of `kind`, or false; a place taken is given back by `release` or by its run's end. */
  take(kind: LocalRunKind): boolean {
    if (this.closing || this.held[kind] >= this.limit || this.maintenance.current) return false;
    this.held[kind]++;
    return true;
  }

  release(kind: LocalRunKind): void {
    this.held[kind]--;
  }

  /** Runs `work` in a place of `kind` taken; it must not reject. Shutdown waits for it. */
  run(kind: LocalRunKind, work: () => Promise<void>): void {
    const running: Promise<void> = work().finally(() => {
      this.running.delete(running);
      this.held[kind]--;
    });
    this.running.add(running);
  }

  /** How many runs are under way here. */
  get size(): number {
    return this.running.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
