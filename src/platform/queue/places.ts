/**
 * At most `limit` runs at once; the others wait in order for a place. For a job that carries
 * several units of work (a batch of events), so that a worker's bound counts the units, not the
 * jobs.
 */
export class Places {
  private taken = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.taken < this.limit) this.taken++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The place passes to the next in line, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.taken--;
    }
  }
}
