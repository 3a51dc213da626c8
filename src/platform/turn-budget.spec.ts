import { TurnBudget } from './turn-budget';

describe('TurnBudget', () => {
  it('does not yield while the budget lasts', () => {
    const budget = new TurnBudget(60_000);
    for (let i = 0; i < 100; i++) expect(budget.spend()).toBeUndefined();
  });

  it('yields once the budget is spent, and lets I/O callbacks run in that turn', async () => {
    const budget = new TurnBudget(0);
    let ioRan = false;
    setImmediate(() => (ioRan = true)); // queued before the yield: runs in the turn it gives away
    const turn = budget.spend();
    expect(typeof turn?.then).toBe('function'); // a promise (of Node's realm, not Jest's)
    expect(ioRan).toBe(false);
    await turn;
    expect(ioRan).toBe(true);
  });

  it('gives concurrent callers the same pending turn', async () => {
    const budget = new TurnBudget(0);
    const first = budget.spend();
    const second = budget.spend();
    expect(second).toBe(first);
    await first;
    // a fresh turn afterwards, not the settled one
    const third = budget.spend();
    expect(typeof third?.then).toBe('function');
    expect(third).not.toBe(first);
    await third;
  });
});
