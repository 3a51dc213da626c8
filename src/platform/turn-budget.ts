import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long synchronous work (a thousand renders of a bulk request) cut into turns of the event loop
 * of about `budgetMs` each: `await budget.spend()` between units of work yields once the budget
 * since the last turn is spent. Meanwhile the process's I/O goes on: a worker's sequential job
 * fetches (BullMQ takes one job per round trip), the pacer's slots, other requests. Several callers
 * may share one budget (the items of a `Promise.all`): they all wait for the same turn.
 */
export class TurnBudget {
  private since = performance.now();
  private turn: Promise<void> | null = null;

  constructor(private readonly budgetMs = 1) {}

  spend(): Promise<void> | void {
    if (this.turn) return this.turn;
    if (performance.now() - this.since < this.budgetMs) return;
    this.turn = nextTurn().then(() => {
      this.turn = null;
      this.since = performance.now();
    });
    return this.turn;
  }
}
