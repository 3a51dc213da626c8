import { BatchLoader, Batched } from './batched';

/** The end of the event loop's turn, where a Batched stage starts its flush. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('Batched', () => {
  it('gathers calls made during a flush into one, each caller getting its own result', async () => {
    const flushes: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const doubled = new Batched<number, number>(
      async (items) => {
        flushes.push(items);
        if (flushes.length === 1) await gate;
        return items.map((i) => i * 2);
      },
      500,
      1,
    );
    const first = doubled.run(1);
    await nextTurn();
    const rest = [doubled.run(2), doubled.run(3), doubled.run(4)];
    release();
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
  });

  it('gives calls made in the same turn one flush, even with flushes free to start', async () => {
    const flushes: number[][] = [];
    const doubled = new Batched<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => i * 2);
    });
    // Callers resumed together, as a batch's jobs leave the stage before: one statement, not
    // the first two alone and the rest after them.
    expect(await Promise.all([1, 2, 3, 4].map((i) => doubled.run(i)))).toEqual([2, 4, 6, 8]);
    expect(flushes).toEqual([[1, 2, 3, 4]]);
  });

  it('fails only the caller whose item the database refuses', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const checked = new Batched<string, string>(
      async (items) => {
        if (calls++ === 0) await gate;
        if (items.includes('bad')) throw new Error('invalid input syntax');
        return items.map((i) => i.toUpperCase());
      },
      500,
      1,
    );
    const first = checked.run('a');
    const b = checked.run('b');
    const bad = checked.run('bad');
    const c = checked.run('c');
    release();
    await first;
    await expect(bad).rejects.toThrow('invalid input syntax');
    expect(await b).toBe('B');
    expect(await c).toBe('C');
  });
});

describe('BatchLoader', () => {
  it('loads concurrent keys with one query, duplicates once, missing as undefined', async () => {
    const queries: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const loader = new BatchLoader<string, string>(
      async (keys) => {
        queries.push(keys);
        if (queries.length === 1) await gate;
        return new Map(keys.filter((k) => k !== 'none').map((k) => [k, `row ${k}`]));
      },
      500,
      1,
    );
    const first = loader.load('x');
    await nextTurn();
    const rest = [loader.load('a'), loader.load('b'), loader.load('a'), loader.load('none')];
    release();
    await first;
    expect(await Promise.all(rest)).toEqual(['row a', 'row b', 'row a', undefined]);
    expect(queries).toEqual([['x'], ['a', 'b', 'none']]);
  });
});
