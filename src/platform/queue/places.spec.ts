import { Places } from './places';

describe('Places', () => {
  it('runs at most `limit` at once, the rest in order as places free, and frees a place on a throw', async () => {
    const places = new Places(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const runs = [0, 1, 2, 3, 4].map((i) =>
      places.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => finish.push(resolve));
        running--;
        if (i === 1) throw new Error('boom');
        return i;
      }),
    );
    const settled = Promise.allSettled(runs);
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    expect(started).toEqual([0, 1]);
    finish.shift()!(); // 0 ends: 2 starts
    await turn();
    expect(started).toEqual([0, 1, 2]);
    finish.shift()!(); // 1 throws: its place still passes to 3
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    while (finish.length || started.length < 5) {
      finish.shift()?.();
      await turn();
    }
    expect((await settled).map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(most).toBe(2);
    // every place given back: two more start at once
    let now = 0;
    await Promise.all([0, 1].map(() => places.run(async () => void now++)));
    expect(now).toBe(2);
  });
});
