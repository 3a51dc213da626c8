/**
 * A retry schedule in the short form of the environment (`0,5s,5m,2h`): the delay before each
 * attempt. Deliveries, notifications and events all use this one type.
 */
export class RetrySchedule {
  private constructor(readonly delaysMs: number[]) {}

  static parse(text: string): RetrySchedule {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const delays = text.split(',').map((part) => {
      const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(part);
      if (!m)
        throw new Error(`Invalid retry schedule "${text}": use numbers with ms, s, m, h or d, e.g. 0,5s,5m`);
      return Number(m[1]) * units[m[2] ?? 's'];
    });
    return new RetrySchedule(delays);
  }

  /** How many attempts the schedule allows in all. */
  get attempts(): number {
    return this.delaysMs.length;
  }

  /**
   * Delay before attempt number `attempt` (1-based), with ±`jitter` (0.2 = ±20 %) so that a burst of
   * failures does not retry in lockstep; undefined when the schedule is exhausted.
   */
  delayBefore(attempt: number, jitter = 0, random: () => number = Math.random): number | undefined {
    const base = this.delaysMs[attempt - 1];
    if (base === undefined) return undefined;
    return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
  }
}
