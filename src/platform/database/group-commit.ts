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
 * With `afterAcknowledge`, the callers are answered as soon as the flush has committed, and the
 * follow-up (enqueueing what was stored) runs while the batch still holds its flush's place: a
 * request does not wait for Redis once its rows are durable (the outbox relay offers what a crash
 * or an outage left unenqueued), and the number of follow-ups in flight stays bounded.
 *
 * The flush is one statement, so one row the database refuses fails all of them: then each
 * request's items are flushed again on their own, and only the request that brought the bad row
 * fails. Not when the database is down — every retry would fail the same way.
 */
/** A request path's wait for company while another flush is under way (`lingerMs` with `lingerWhenBusy`). */
export const BUSY_LINGER_MS = 4;

export interface GroupCommitOptions<T, R> {
  /** Items per flush (500). */
  maxBatch?: number;
  /** Flushes (with their follow-ups) at once (4). */
  maxInFlight?: number;
  /** How long a batch smaller than maxBatch waits for company (0: not at all). */
  lingerMs?: number;
  /** Waits for company only while another flush is under way: an idle writer flushes at once. */
  lingerWhenBusy?: boolean;
  /**
   * Starts a flush at the end of the event loop's turn (`setImmediate`), not at the first add:
   * callers resumed together (a batch's jobs leaving the stage before) then share one flush,
   * rather than the first one or two going alone and the rest waiting for them.
   */
  sameTurn?: boolean;
  /** Runs after the callers have their answer, before the flush's place is freed; must not throw. */
  afterAcknowledge?: (items: T[], result: R) => Promise<void>;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  /** Items in `queue`. */
  private queued = 0;
  private inFlight = 0;
  private lingering = false;
  private turnScheduled = false;

  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly lingerWhenBusy: boolean;
  private readonly sameTurn: boolean;
  private readonly afterAcknowledge?: (items: T[], result: R) => Promise<void>;

  constructor(
    private readonly flush: (items: T[]) => Promise<R>,
    options: GroupCommitOptions<T, R> = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.lingerMs = options.lingerMs ?? 0;
    this.lingerWhenBusy = options.lingerWhenBusy ?? false;
    this.sameTurn = options.sameTurn ?? false;
    this.afterAcknowledge = options.afterAcknowledge;
  }

  add(items: T[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      if (!this.sameTurn) this.pump();
      else if (!this.turnScheduled) {
        this.turnScheduled = true;
        setImmediate(() => {
          this.turnScheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      if (
        this.lingerMs > 0 &&
        !this.lingering &&
        this.queued < this.maxBatch &&
        (!this.lingerWhenBusy || this.inFlight > 0)
      ) {
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
    const items = batch.flatMap((p) => p.items);
    let result: R;
    try {
      result = await this.flush(items);
    } catch (err) {
      if (batch.length === 1 || unavailableDependency(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      await Promise.all(batch.map((p) => this.runAlone(p)));
      return;
    }
    for (const p of batch) p.resolve(result);
    await this.follow(items, result);
  }

  private async runAlone(p: Pending<T, R>): Promise<void> {
    let result: R;
    try {
      result = await this.flush(p.items);
    } catch (own) {
      p.reject(own);
      return;
    }
    p.resolve(result);
    await this.follow(p.items, result);
  }

  /** The follow-up is the owner's to report on; its failure must not touch answered callers. */
  private async follow(items: T[], result: R): Promise<void> {
    await this.afterAcknowledge?.(items, result).catch(() => undefined);
  }
}
