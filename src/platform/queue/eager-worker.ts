import { Job, Worker } from 'bullmq';

/** The parts of BullMQ's Worker (6.x) the eager loop drives; checked when this file loads. */
interface WorkerInternals {
  id: string;
  opts: { runRetryDelay?: number };
  closing: Promise<void> | undefined;
  paused: boolean;
  _concurrency: number;
  mainLoopQueue: { add(p: Promise<unknown>): void } | null;
  _getNextJob(token: string, opts: { block: boolean }): Promise<Job | undefined>;
  retryIfFailed<T>(fn: () => Promise<T>, opts: { delayInMs?: number; onlyEmitError?: boolean }): Promise<T>;
  isRateLimited(): boolean;
  waitForRateLimit(): Promise<void>;
  processJob(job: Job, token: string, fetchNext: () => boolean): Promise<void | Job>;
  emit(event: 'error', err: Error): boolean;
}

const DRIVEN = [
  'mainLoop',
  '_getNextJob',
  'retryIfFailed',
  'isRateLimited',
  'waitForRateLimit',
  'processJob',
];
const missing = DRIVEN.filter(
  (name) => typeof (Worker.prototype as unknown as Record<string, unknown>)[name] !== 'function',
);
if (missing.length)
  throw new Error(`EagerWorker: this BullMQ's Worker lacks ${missing.join(', ')}; see eager-worker.ts`);

/**
 * A BullMQ Worker that starts each job as soon as it is fetched.
 *
 * BullMQ's own main loop fetches jobs one round trip at a time until it holds `concurrency` of
 * them or the queue is empty, and only then starts the first: with a backlog of a few hundred (a
 * batched stage hands its successor a cohort at once) the first job waited for every other job's
 * fetch, and under load each fetch waits for the event loop. Measured at 300 events/s, that wait
 * between a job's `processedOn` and its handler was p50 94 ms, p99 985 ms per queue hop
 * (bench/README). Here fetching stays sequential (no empty calls to Redis), each fetched job
 * starts at once, and a finishing job's next job (fetched in the same script) starts too. Pause,
 * resume and close keep BullMQ's meaning: no fetch while paused or closing, and the loop ends only
 * when its jobs have finished.
 */
export class EagerWorker extends Worker {}

async function eagerMainLoop(this: WorkerInternals): Promise<void> {
  // Set by BullMQ's constructor; without it the loop below would never fetch.
  if (typeof this._concurrency !== 'number')
    throw new Error("EagerWorker: this BullMQ's Worker has no _concurrency; see eager-worker.ts");
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // `resume()` after `pause(true)` wakes the loop through this.
  this.mainLoopQueue = { add: wakeUp };
  let tokenPostfix = 0;
  const start = (job: Job): void => {
    // A finishing job hands its slot to the successor its `moveToFinished` fetches (BullMQ itself
    // fetches none while paused or closing): the loop never holds more than `concurrency` jobs.
    const done: Promise<void> = this.processJob(job, job.token!, () => true).then(
      (next) => {
        running.delete(done);
        if (next) start(next);
        wakeUp();
      },
      (err: Error) => {
        running.delete(done);
        this.emit('error', err);
        wakeUp();
      },
    );
    running.add(done);
  };
  while ((!this.closing && !this.paused) || running.size > 0) {
    while (!this.closing && !this.paused && running.size < this._concurrency && !this.isRateLimited()) {
      const token = `${this.id}:${tokenPostfix++}`;
      const job = await this.retryIfFailed(() => this._getNextJob(token, { block: true }), {
        delayInMs: this.opts.runRetryDelay,
        onlyEmitError: true,
      });
      if (!job) break;
      start(job);
    }
    if (this.closing || this.paused || running.size >= this._concurrency) {
      if (running.size > 0) await new Promise<void>((resolve) => (wake = resolve));
    } else if (this.isRateLimited()) {
      await this.waitForRateLimit();
    }
  }
  this.mainLoopQueue = null;
}

// BullMQ's constructor may start the loop (autorun), before a subclass constructor could act.
Object.defineProperty(EagerWorker.prototype, 'mainLoop', { value: eagerMainLoop, writable: true });
