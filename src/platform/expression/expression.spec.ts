import { compileExpression, evaluate, ExpressionError, toJson } from './expression';

/** The rejection of `promise`. */
async function failure(promise: Promise<unknown>): Promise<{ error: ExpressionError }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return { error: error as ExpressionError };
  }
  throw new Error('expected the evaluation to fail');
}

const run = (source: string, input: unknown = {}, bindings?: Record<string, unknown>, timeoutMs?: number) =>
  evaluate(compileExpression(source), input, bindings, { timeoutMs });

/**
 * A host function cannot go to a worker thread, so with it among the bindings an evaluation stays
 * in process: how the in-process time box itself is tested.
 */
const inProcess = { host: () => 0 };

describe('expression evaluator', () => {
  it('maps data, and answers the cached compilation for the same source', async () => {
    const first = compileExpression('{ "nome": data.name }');
    expect(compileExpression('{ "nome": data.name }')).toBe(first);
    expect(compileExpression('{ "name": data.name }')).not.toBe(first);
    expect(await evaluate(first, { data: { name: 'Ana' } })).toEqual({ nome: 'Ana' });
  });

  it('evicts the least recently used compilation beyond 500', () => {
    const kept = compileExpression('"kept"');
    const dropped = compileExpression('"dropped"');
    for (let i = 0; i < 499; i++) {
      compileExpression(`${i} + 1`);
      if (i % 100 === 0) compileExpression('"kept"'); // a hit refreshes it
    }
    expect(compileExpression('"kept"')).toBe(kept);
    expect(compileExpression('"dropped"')).not.toBe(dropped);
  });

  it('reports a syntax error with jsonata’s code, position and token, and caches nothing', () => {
    const compile = () => compileExpression('{ "a": ');
    expect(compile).toThrow(ExpressionError);
    try {
      compile();
    } catch (err) {
      expect(err).toMatchObject({ code: 'S0203', position: 7, token: '(end)' });
      expect((err as Error).message).toMatch(/Expected "}"/);
    }
  });

  it('reports a runtime error as an ExpressionError with position', async () => {
    const { error } = await failure(run('$sum(name)', { name: 'Ana' }));
    expect(error).toMatchObject({ code: 'T0412', token: 'sum', position: 5 });
    const native = await failure(run('$pad("x", 1000000000)'));
    expect(native.error).toMatchObject({ code: 'RUNTIME', token: 'pad' });
  });

  it.each([
    ['tail recursion (an endless loop)', '($f := function($x){ $f($x) }; $f(1))', 'TIMEOUT'],
    ['recursion', '($f := function($x){ 1 + $f($x) }; $f(1))', 'DEPTH'],
    ['a long map under the sequence cap', '[1..900000].($ * 2)', 'TIMEOUT'],
    ['a long $map with a lambda', '$map([1..900000], function($v){ $v * 2 })', 'TIMEOUT'],
    ['a range beyond the sequence cap', '[1..10000000].($ * 2)', 'D2015'],
    ['a range beyond jsonata’s own limit', '$sum([1..100000000])', 'D2014'],
    ['a loop inside $eval', '$eval("($f := function($x){ $f($x) }; $f(1))")', 'TIMEOUT'],
  ])('stops %s (%s) with %s within the time box', async (_what, source, code) => {
    // Stopped at the first step past the deadline; running on (for seconds, or forever) would hit
    // the test's timeout. How soon after the deadline is the benchmarks' business, not a test's.
    // Only the limit under test may stop it: a loaded machine must not turn DEPTH into TIMEOUT.
    const { error } = await failure(run(source, {}, inProcess, code === 'TIMEOUT' ? 100 : 60_000));
    expect(error.code).toBe(code);
  });

  it('applies the caller’s own limits', async () => {
    const deep = '($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(80))';
    expect((await failure(run(deep, {}, {}, 60_000))).error.code).toBe('DEPTH');
    expect(await evaluate(compileExpression(deep), {}, {}, { maxDepth: 1000, timeoutMs: 60_000 })).toBe(80);
    const { error } = await failure(run('($f := function($x){ $f($x) }; $f(1))', {}, inProcess, 20));
    expect(error.code).toBe('TIMEOUT');
  });

  it('answers a sound expression that overran the in-process box from a worker, with the generous budget', async () => {
    // 1 ms in process is overrun on any machine; the worker has seconds, and a busy machine must
    // not turn this into a TIMEOUT.
    expect(await run('$sum([1..20000].($ * 2))', {}, {}, 1)).toBe(20000 * 20001);
    // A loop that never ends still times out there.
    const { error } = await failure(run('($f := function($x){ $f($x) }; $f(1))', {}, {}, 1));
    expect(error.code).toBe('TIMEOUT');
  }, 30_000);

  it('keeps the time boxes of concurrent evaluations of one cached expression apart', async () => {
    // One source, so both runs share the compiled expression and its hooks; they interleave step
    // by step (every step awaits), so a shared clock or counter would cut the long run short.
    const source = '$loop ? ($f := function($x){ $f($x) }; $f(1)) : $sum([1..$n].($ * 2))';
    let endlessEndedAt = 0;
    const endless = evaluate(
      compileExpression(source),
      {},
      { ...inProcess, loop: true },
      { timeoutMs: 50 },
    ).finally(() => {
      endlessEndedAt = performance.now();
    });
    let longEndedAt = 0;
    const long = evaluate(
      compileExpression(source),
      {},
      { loop: false, n: 10000 },
      { timeoutMs: 10_000 },
    ).finally(() => {
      longEndedAt = performance.now();
    });
    const [a, b] = await Promise.allSettled([endless, long]);
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    expect(b).toEqual({ status: 'fulfilled', value: 10000 * 10001 });
    expect(endlessEndedAt).toBeLessThan(longEndedAt); // they did overlap

    // The same for depth: find how deep one run goes, then run two at once with exactly that limit.
    const deep = compileExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f($k))');
    const fails = (maxDepth: number) =>
      evaluate(deep, {}, { k: 20 }, { maxDepth }).then(
        () => false,
        () => true,
      );
    let needed = 10;
    while (needed < 1000 && (await fails(needed))) needed += 5;
    expect(needed).toBeLessThan(1000);
    const both = await Promise.all([0, 1].map(() => evaluate(deep, {}, { k: 20 }, { maxDepth: needed })));
    expect(both).toEqual([20, 20]);
    // Nothing sticks to the expression after a run was stopped.
    expect(await evaluate(compileExpression(source), {}, { loop: false, n: 3 })).toBe(12);
  });

  it('binds values and host functions; a host function’s own error passes through', async () => {
    expect(await run('$greeting & ", " & name', { name: 'Ana' }, { greeting: 'Olá' })).toBe('Olá, Ana');
    expect(await run('$double(21)', {}, { double: (x: number) => x * 2 })).toBe(42);
    expect(await run('$lookup(id)', { id: 7 }, { lookup: async (id: number) => ({ id, ok: true }) })).toEqual(
      {
        id: 7,
        ok: true,
      },
    );
    const outage = new Error('connection refused');
    await expect(
      run(
        '$fetch()',
        {},
        {
          fetch: () => {
            throw outage;
          },
        },
      ),
    ).rejects.toBe(outage);
  });

  it('turns results into plain JSON', async () => {
    expect(toJson(await run('function($x){ $x }'))).toBeNull();
    expect(toJson(await run('nothing'))).toBeNull();
    expect(toJson(await run('{ "f": function($x){ $x }, "n": [1..3] }'))).toEqual({ n: [1, 2, 3] });
    expect(JSON.stringify(toJson(await run('items.id', { items: [{ id: 1 }, { id: 2 }] })))).toBe('[1,2]');
  });
});

describe('expressions with regular expressions (isolated in a worker thread)', () => {
  const REDOS = '$match(a, /(a+)+$/)';
  const attack = { a: `${'a'.repeat(40)}!` };

  it('evaluates a sound regex as before', async () => {
    expect(compileExpression(REDOS).isolated).toBe(true);
    expect(compileExpression('$eval("1 + 1")').isolated).toBe(true);
    expect(compileExpression('{ "nome": data.name }').isolated).toBe(false);
    expect(toJson(await run('$match(a, /b+/).match', { a: 'abbbc' }))).toBe('bbb');
    expect(await run('$replace(phone, /\\D/, "")', { phone: '+55 (31) 99295-3088' })).toBe('5531992953088');
    expect(await run('$split(s, /,\\s*/)', { s: 'a, b,c' })).toEqual(['a', 'b', 'c']);
    expect(await run('$eval("$x + 1")', {}, { x: 1 })).toBe(2);
    const { error } = await failure(run('$match(a, 1)', { a: 'x' }));
    expect(error.code).toMatch(/^T\d{4}$/);
  });

  it('applies the depth limit in the worker as in process', async () => {
    const deep = '($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $contains("a", /a/) ? $f(80) : 0)';
    expect(compileExpression(deep).isolated).toBe(true);
    expect((await failure(run(deep))).error.code).toBe('DEPTH');
    expect(await evaluate(compileExpression(deep), {}, {}, { maxDepth: 1000 })).toBe(80);
    const viaEval = '$eval("($f := function($x){ 1 + $f($x) }; $f(1))")';
    expect((await failure(run(viaEval))).error.code).toBe('DEPTH');
  });

  it('stops a catastrophic backtracking regex with TIMEOUT while the event loop keeps running', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const { error } = await failure(run(REDOS, attack));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toMatch(/regular expression/);
      // The regex ran for its whole budget (seconds); a blocked loop would not have ticked at all.
      expect(ticks).toBeGreaterThan(5);
    } finally {
      clearInterval(ticker);
    }
    // The killed worker was replaced.
    expect(await run('$contains(a, /a!/)', attack)).toBe(true);
  }, 30_000);

  it('stops a regex built from data by $eval the same way', async () => {
    const { error } = await failure(run('$eval(code)', { code: '$match(a, /(a+)+$/)', a: attack.a }));
    expect(error.code).toBe('TIMEOUT');
  }, 30_000);

  it('runs evaluations side by side: one runaway does not fail the sound ones queued with it', async () => {
    const results = await Promise.allSettled([
      run(REDOS, attack),
      ...Array.from({ length: 6 }, (_, i) => run('$match(s, /\\d+/).match', { s: `n${i}` })),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    expect(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  }, 30_000);
});
