import { Clock } from '../../src/platform/clock';

/** A clock the test moves: `clock.advance(25 * 3600_000)` is 25 hours later, instantly. */
export class TestClock extends Clock {
  private offsetMs = 0;
  private frozen?: number;

  now(): Date {
    return new Date((this.frozen ?? Date.now()) + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  freeze(at: Date | string): void {
    this.frozen = new Date(at).getTime();
    this.offsetMs = 0;
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozen = undefined;
  }
}
