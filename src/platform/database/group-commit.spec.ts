import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  /** A flush that refuses any batch holding 'bad', as one multi-row INSERT would. */
  function writer(failure = () => new Error('invalid input syntax')) {
    const flushes: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<string, string[]>(
      async (items) => {
        flushes.push(items);
        if (flushes.length === 1) await gate; // hold the first flush so the next requests batch up
        if (items.includes('bad')) throw failure();
        return items;
      },
      { maxInFlight: 1 },
    );
    return { commit, flushes, release };
  }

  it('batches concurrent requests into one flush', async () => {
    const { commit, flushes, release } = writer();
    const first = commit.add(['a']);
    const rest = [commit.add(['b']), commit.add(['c'])];
    release();
    await first;
    expect(await Promise.all(rest)).toEqual([
      ['b', 'c'],
      ['b', 'c'],
    ]);
    expect(flushes).toEqual([['a'], ['b', 'c']]);
  });

  it('fails only the request whose row the database refuses, not its batch companions', async () => {
    const { commit, flushes, release } = writer();
    const first = commit.add(['a']);
    const good = commit.add(['b']);
    const bad = commit.add(['bad']);
    const other = commit.add(['c', 'd']);
    release();
    await first;
    await expect(bad).rejects.toThrow('invalid input syntax');
    expect(await good).toEqual(['b']);
    expect(await other).toEqual(['c', 'd']);
    expect(flushes[1]).toEqual(['b', 'bad', 'c', 'd']);
  });

  it('does not retry one by one while the database is down', async () => {
    const down = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { commit, flushes, release } = writer(down);
    const first = commit.add(['a']);
    const batch = [commit.add(['b']), commit.add(['bad'])];
    release();
    await first;
    const results = await Promise.allSettled(batch);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(flushes).toHaveLength(2);
  });
  it('with a linger, a trickle of requests waits for company; a full batch does not wait', async () => {
    jest.useFakeTimers();
    try {
      const flushes: string[][] = [];
      const commit = new GroupCommit<string, void>(
        async (items) => {
          flushes.push(items);
        },
        { maxBatch: 3, maxInFlight: 1, lingerMs: 50 },
      );
      const trickle = [commit.add(['a'])];
      await jest.advanceTimersByTimeAsync(20);
      trickle.push(commit.add(['b']));
      expect(flushes).toEqual([]);
      await jest.advanceTimersByTimeAsync(30);
      await Promise.all(trickle);
      expect(flushes).toEqual([['a', 'b']]);

      // three items fill a batch: flushed at once, the rest lingers
      const full = [commit.add(['c', 'd', 'e']), commit.add(['f'])];
      await jest.advanceTimersByTimeAsync(0);
      expect(flushes).toEqual([
        ['a', 'b'],
        ['c', 'd', 'e'],
      ]);
      await jest.advanceTimersByTimeAsync(50);
      await Promise.all(full);
      expect(flushes).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lingering only when busy: an idle writer flushes at once, one behind a flush under way waits for company', async () => {
    jest.useFakeTimers();
    try {
      const flushes: string[][] = [];
      let finishFirst: () => void = () => undefined;
      const commit = new GroupCommit<string, void>(
        async (items) => {
          flushes.push(items);
          if (flushes.length === 1) await new Promise<void>((r) => (finishFirst = r));
        },
        { maxInFlight: 2, lingerMs: 4, lingerWhenBusy: true },
      );
      const first = commit.add(['a']);
      await jest.advanceTimersByTimeAsync(0);
      expect(flushes).toEqual([['a']]); // idle: no wait

      const behind = [commit.add(['b'])];
      await jest.advanceTimersByTimeAsync(1);
      behind.push(commit.add(['c']));
      await jest.advanceTimersByTimeAsync(1);
      expect(flushes).toEqual([['a']]); // busy: b waits, and c joins it
      await jest.advanceTimersByTimeAsync(2);
      await Promise.all(behind);
      expect(flushes).toEqual([['a'], ['b', 'c']]);
      finishFirst();
      await first;
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers on the flush, then runs the follow-up while holding the flush place', async () => {
    const flushes: string[][] = [];
    const followed: string[][] = [];
    let releaseFollowUp: () => void = () => undefined;
    const followUp = new Promise<void>((r) => (releaseFollowUp = r));
    const commit = new GroupCommit<string, string[]>(
      async (items) => {
        flushes.push(items);
        if (items.includes('bad')) throw new Error('invalid input syntax');
        return items;
      },
      {
        maxInFlight: 1,
        afterAcknowledge: async (items) => {
          followed.push(items);
          if (followed.length === 1) await followUp;
          if (items.includes('boom')) throw new Error('redis down');
        },
      },
    );
    // answered although its follow-up has not finished
    expect(await commit.add(['a'])).toEqual(['a']);
    expect(followed).toEqual([['a']]);
    // the next batch waits for the follow-up: the place is held
    const next = [commit.add(['b']), commit.add(['bad']), commit.add(['boom'])];
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([['a']]);
    releaseFollowUp();
    // the batch fails on 'bad', each request is flushed alone, and only stored ones are followed up
    const settled = await Promise.allSettled(next);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(followed).toEqual([['a'], ['b'], ['boom']]);
    // a failing follow-up changed nothing for its caller, and the commit goes on
    expect(await commit.add(['c'])).toEqual(['c']);
  });
});
