import type { AppConfig } from '../../config/config';
import { LocalRuns } from './local-runs';

const config = (role: string, batchConcurrency: number) =>
  ({ isWorker: role !== 'api', queue: { batchConcurrency } }) as unknown as AppConfig;

describe('LocalRuns', () => {
  it('holds at most WORKER_BATCH_CONCURRENCY places, and gives each back when its run ends', async () => {
    const runs = new LocalRuns(config('all', 2));
    expect(runs.take()).toBe(true);
    expect(runs.take()).toBe(true);
    expect(runs.take()).toBe(false);
    let finish!: () => void;
    runs.run(() => new Promise<void>((resolve) => (finish = resolve))); // in the first place
    runs.release(); // the second, given back unused
    expect(runs.size).toBe(1);
    expect(runs.take()).toBe(true);
    expect(runs.take()).toBe(false);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(runs.size).toBe(0);
    expect(runs.take()).toBe(true);
  });

  it('has no places in an API process', () => {
    expect(new LocalRuns(config('api', 1000)).take()).toBe(false);
  });

  it('waits for the runs under way at shutdown and takes no new ones meanwhile', async () => {
    const runs = new LocalRuns(config('worker', 10));
    let finish!: () => void;
    expect(runs.take()).toBe(true);
    runs.run(() => new Promise<void>((resolve) => (finish = resolve)));
    let closed = false;
    const closing = runs.beforeApplicationShutdown().then(() => (closed = true));
    expect(runs.take()).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    finish();
    await closing;
    expect(runs.size).toBe(0);
  });
});
