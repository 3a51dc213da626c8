import { unavailableDependency } from '../http/error-mapper';

interface Pending<T, R> {
  items: T[];
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items from concurrent requests are gathered while the previous flush runs and
 * written together (one multi-row statement, one commit, one addBulk). At low load a batch is a
 * single request, so nothing waits for company. Every caller gets its batch's result.
 *
 * With `lingerMs` (PostgreSQL's `commit_delay`, for writes nobody waits on: analytics facts) a
 * batch smaller than `maxBatch` waits that long for company before it is flushed, so a trickle
 * of items is written a few dozen at a time instead of one statement each.
 *
 * The flush is one statement, so one row the database refuses fails all of them: then each
 * request's items are flushed again on their own, and only the request that brought the bad row
 * fails. Not when the database is down — every retry would fail the same way.
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  /** Items in `queue`. */
  private queued = 0;
  private inFlight = 0;
  private lingering = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 4,
    private readonly lingerMs = 0,
  ) {}

  add(items: T[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      if (this.lingerMs > 0 && !this.lingering && this.queued < this.maxBatch) {
        // The wait holds a flush's place: what arrives meanwhile joins this batch.
        this.lingering = true;
        this.inFlight++;
        setTimeout(() => {
          this.inFlight--;
          this.start();
          this.lingering = false;
          this.pump();
        }, this.lingerMs);
        return;
      }
      this.start();
    }
  }

  /** Flushes the next batch from the queue (if any). */
  private start(): void {
    if (this.queue.length === 0) return;
    const batch: Pending<T, R>[] = [];
    let size = 0;
    while (this.queue.length > 0 && size < this.maxBatch) {
      const next = this.queue.shift()!;
      batch.push(next);
      size += next.items.length;
    }
    this.queued -= size;
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const result = await this.flush(batch.flatMap((p) => p.items));
      for (const p of batch) p.resolve(result);
    } catch (err) {
      if (batch.length === 1 || unavailableDependency(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      await Promise.all(
        batch.map((p) =>
          this.flush(p.items).then(
            (result) => p.resolve(result),
            (own: unknown) => p.reject(own),
          ),
        ),
      );
    }
  }
}
