import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';

/**
 * Places for walking a new execution in the worker process that started it, instead of through a
 * job on the workflows queue: a queue hop, a lease statement and an event read fewer per
 * execution. At most WORKER_BATCH_CONCURRENCY at once (the workflows worker's own bound); past it,
 * in an API process and once shutting down, a start goes through the queue as before. A walk held
 * here when its process dies is its lease's: the relay offers it again once the lease runs out.
 */
@Injectable()
export class LocalWalks implements BeforeApplicationShutdown {
  private readonly limit: number;
  private held = 0;
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(config: AppConfig) {
    this.limit = config.isWorker ? config.queue.batchConcurrency : 0;
  }

  /** A place for one walk, or false; a place taken is given back by `release` or by its walk's end. */
  take(): boolean {
    if (this.closing || this.held >= this.limit) return false;
    this.held++;
    return true;
  }

  release(): void {
    this.held--;
  }

  /** Runs a walk in a place taken; `walk` must not reject. Shutdown waits for it. */
  run(walk: () => Promise<void>): void {
    const running: Promise<void> = walk().finally(() => {
      this.running.delete(running);
      this.held--;
    });
    this.running.add(running);
  }

  /** How many walks run here now. */
  get size(): number {
    return this.running.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
