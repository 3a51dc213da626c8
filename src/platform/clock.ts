import { Injectable } from '@nestjs/common';

/**
 * Time as a dependency: services ask the clock, never `Date.now()`, so that tests can move time
 * (a 24-hour window, a quiet-hours deferral) without waiting.
 */
export abstract class Clock {
  abstract now(): Date;

  nowMs(): number {
    return this.now().getTime();
  }
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
