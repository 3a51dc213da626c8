import type { AppConfig } from '../config/config';
import { LocalWalks } from './local-walks';

const config = (role: string, batchConcurrency: number) =>
  ({ isWorker: role !== 'api', queue: { batchConcurrency } }) as unknown as AppConfig;

describe('LocalWalks', () => {
  it('holds at most WORKER_BATCH_CONCURRENCY places, and gives each back when its walk ends', async () => {
    const walks = new LocalWalks(config('all', 2));
    expect(walks.take()).toBe(true);
    expect(walks.take()).toBe(true);
    expect(walks.take()).toBe(false);
    let finish!: () => void;
    walks.run(() => new Promise<void>((resolve) => (finish = resolve))); // in the first place
    walks.release(); // the second, given back unused
    expect(walks.size).toBe(1);
    expect(walks.take()).toBe(true);
    expect(walks.take()).toBe(false);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(walks.size).toBe(0);
    expect(walks.take()).toBe(true);
  });

  it('has no places in an API process', () => {
    expect(new LocalWalks(config('api', 1000)).take()).toBe(false);
  });

  it('waits for the running walks at shutdown and takes no new ones meanwhile', async () => {
    const walks = new LocalWalks(config('worker', 10));
    let finish!: () => void;
    expect(walks.take()).toBe(true);
    walks.run(() => new Promise<void>((resolve) => (finish = resolve)));
    let closed = false;
    const closing = walks.beforeApplicationShutdown().then(() => (closed = true));
    expect(walks.take()).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    finish();
    await closing;
    expect(walks.size).toBe(0);
  });
});
