import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Evaluation of the expressions the in-process time box cannot stop: a regular expression runs
 * in V8's backtracking engine as one native call (`$match(s, /(a+)+$/)` on 40 characters takes
 * minutes), and no hook fires inside it. Such expressions run in a small pool of worker threads
 * instead; one that overruns its budget has its worker terminated (V8 interrupts even native
 * regex code) and replaced, so the event loop of the API never waits on it.
 */

export interface IsolatedError {
  code: string;
  message: string;
  position?: number;
  token?: string;
}

export type IsolatedOutcome = { ok: true; value: unknown } | { ok: false; error: IsolatedError };

/** The worker: plain JavaScript (it runs outside any TypeScript loader), jsonata and nothing else. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const jsonata = require(workerData.jsonataPath);
const compiled = new Map();
// One evaluation at a time per worker (the pool sends the next when this one answered), so the
// depth count can be the worker's own: the same limit the in-process hooks apply.
let depth = 0;
let maxDepth = Infinity;
// Steps taken, shared with the pool: it tells a worker at work from one stalled in a native call.
const progress = new Int32Array(workerData.progress);
let steps = 0;
let maxSteps = Infinity;
const enter = () => {
  progress[0] = (progress[0] + 1) | 0;
  if (++steps > maxSteps) {
    const err = new Error('The expression took more than ' + maxSteps + ' evaluation steps; check for an infinite loop');
    err.code = 'TIMEOUT';
    throw err;
  }
  if (++depth > maxDepth) {
    const err = new Error('The expression nests deeper than ' + maxDepth + ' steps; check for non-terminating recursion');
    err.code = 'DEPTH';
    throw err;
  }
};
const leave = () => { depth--; };
const isFunction = (v) =>
  typeof v === 'function' || (typeof v === 'object' && v !== null && (v._jsonata_lambda === true || v._jsonata_function === true));
parentPort.on('message', async ({ id, source, input, bindings, limit, stepLimit }) => {
  depth = 0;
  maxDepth = limit;
  steps = 0;
  maxSteps = stepLimit;
  try {
    let expr = compiled.get(source);
    if (!expr) {
      expr = jsonata(source, { sequence: workerData.maxSequence });
      expr.assign(Symbol.for('jsonata.__evaluate_entry'), enter);
      expr.assign(Symbol.for('jsonata.__evaluate_exit'), leave);
      if (compiled.size > 200) compiled.clear();
      compiled.set(source, expr);
    }
    const value = await expr.evaluate(input, bindings);
    const text = JSON.stringify(value, (_k, v) => (isFunction(v) ? undefined : v));
    parentPort.postMessage({ id, ok: true, value: text === undefined ? null : JSON.parse(text) });
  } catch (err) {
    // $eval wraps what stopped its inner expression (D3121 with .error): a depth stop stays one.
    let inner = err;
    while (inner && inner.error) inner = inner.error;
    const depthStop = inner && (inner.code === 'DEPTH' || inner.code === 'TIMEOUT');
    const jsonataCode = err && /^[A-Z]\\d{4}$/.test(String(err.code)) ? err.code : undefined;
    parentPort.postMessage({
      id,
      ok: false,
      error: {
        code: depthStop ? inner.code : jsonataCode || 'RUNTIME',
        message: String((depthStop ? inner.message : err && err.message) || err),
        position: err && err.position,
        token: err && err.token,
      },
    });
  }
});
`;

interface Job {
  id: number;
  source: string;
  input: unknown;
  bindings: Record<string, unknown>;
  maxDepth: number;
  budgetMs: number;
  maxSteps: number;
  resolve: (outcome: IsolatedOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** The worker's step counter (shared memory), and its value at the last look. */
  progress: Int32Array;
  seen: number;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Workers kept at most; a pool busy with runaway expressions queues the rest (their clocks start
 * when a worker takes them), it never grows. Two at least, so one runaway does not hold up all.
 */
const POOL_SIZE = Math.min(4, Math.max(2, availableParallelism() - 1));
/** Heap of one worker: an expression that tries to build gigabytes fails instead of the process. */
const WORKER_HEAP_MB = 128;
/** An idle worker is let go after this; the next isolated evaluation starts one again. */
const IDLE_MS = 60_000;

export class ExpressionIsolate {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly maxSequence: number) {}

  /**
   * Resolves with the result or the expression's error: DEPTH past `maxDepth` steps of nesting
   * (as in process); TIMEOUT past `maxSteps` evaluation steps, or when no step was taken for
   * `budgetMs` (stuck in one native call: a regular expression that backtracks). Work is counted in
   * steps, not time, so a loaded machine makes a sound expression slower, never a TIMEOUT; the
   * wall clock only judges a call that shows no progress at all.
   */
  run(
    source: string,
    input: unknown,
    bindings: Record<string, unknown>,
    limits: { maxDepth: number; budgetMs: number; maxSteps: number },
  ): Promise<IsolatedOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ id: ++this.nextId, source, input, bindings, ...limits, resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot =
        this.slots.find((s) => !s.job) ?? (this.slots.length < POOL_SIZE ? this.spawn() : undefined);
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      // The clock starts when a worker takes the job: time spent queued is not the expression's.
      slot.seen = Atomics.load(slot.progress, 0);
      slot.timer = setTimeout(() => this.check(slot, job), job.budgetMs);
      try {
        slot.worker.postMessage({
          id: job.id,
          source: job.source,
          input: job.input,
          bindings: job.bindings,
          limit: job.maxDepth,
          stepLimit: job.maxSteps,
        });
      } catch (err) {
        // Input that cannot be cloned (a function, say) is the caller's bug, reported as the expression's.
        this.finish(slot, { ok: false, error: { code: 'RUNTIME', message: (err as Error).message } });
      }
    }
    this.scheduleIdle();
  }

  private spawn(): Slot {
    const shared = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        jsonataPath: require.resolve('jsonata'),
        maxSequence: this.maxSequence,
        progress: shared,
      },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const slot: Slot = { worker, progress: new Int32Array(shared), seen: 0 };
    worker.on('message', (msg: { id: number } & IsolatedOutcome) => {
      if (slot.job?.id === msg.id) this.finish(slot, msg.ok ? { ok: true, value: msg.value } : msg);
    });
    // Out of memory, or a crash: the job fails, the worker goes.
    worker.on('error', (err) => this.drop(slot, { code: 'RUNTIME', message: err.message }));
    worker.on('exit', () => this.drop(slot, { code: 'RUNTIME', message: 'The expression worker stopped' }));
    // Last: listeners ref the worker's port again. A pool must never keep the process alive.
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot, outcome: IsolatedOutcome): void {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    job?.resolve(outcome);
    this.dispatch();
  }

  /** Each `budgetMs`: a worker that took steps is at work (its step limit will stop a loop); one that took none is stuck. */
  private check(slot: Slot, job: Job): void {
    if (slot.job !== job) return;
    const now = Atomics.load(slot.progress, 0);
    if (now !== slot.seen) {
      slot.seen = now;
      slot.timer = setTimeout(() => this.check(slot, job), job.budgetMs);
      return;
    }
    this.drop(slot, {
      code: 'TIMEOUT',
      message: `The expression made no progress for ${job.budgetMs} ms (a regular expression that backtracks)`,
    });
  }

  /** Takes the worker out of the pool, failing its job with `error`, and lets the queue go on. */
  private drop(slot: Slot, error: IsolatedError): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate();
    job?.resolve({ ok: false, error });
    this.dispatch();
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.slots.length === 0) return;
    this.idleTimer = setTimeout(() => {
      for (const slot of this.slots.filter((s) => !s.job))
        this.drop(slot, { code: 'RUNTIME', message: 'idle' });
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}
