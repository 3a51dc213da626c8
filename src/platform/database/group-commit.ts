interface Pending<T, R> {
  items: T[];
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items from concurrent requests are gathered while the previous flush runs and
 * written together (one multi-row statement, one commit, one addBulk). At low load a batch is a
 * single request, so nothing waits for company. Every caller gets its batch's result.
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 4,
  ) {}

  add(items: T[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending<T, R>[] = [];
      let size = 0;
      while (this.queue.length > 0 && size < this.maxBatch) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.items.length;
      }
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const result = await this.flush(batch.flatMap((p) => p.items));
      for (const p of batch) p.resolve(result);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
