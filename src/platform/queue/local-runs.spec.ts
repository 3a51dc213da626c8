import type { AppConfig } from '../../config/config';
import type { MaintenanceMode } from '../maintenance';
import { LocalRuns } from './local-runs';

const config = (role: string, batchConcurrency: number) =>
  ({ isWorker: role !== 'api', queue: { batchConcurrency } }) as unknown as AppConfig;
/** The instance's view of the restore flag. */
const maintenance = { current: undefined as object | undefined };
const localRuns = (role: string, batchConcurrency: number) =>
  new LocalRuns(config(role, batchConcurrency), maintenance as unknown as MaintenanceMode);

describe('LocalRuns', () => {
  it('holds at most WORKER_BATCH_CONCURRENCY places of each kind, and gives each back when its run ends', async () => {
    const runs = localRuns('all', 2);
    expect(runs.take('walks')).toBe(true);
    expect(runs.take('walks')).toBe(true);
    expect(runs.take('walks')).toBe(false);
    let finish!: () => void;
    runs.run('walks', () => new Promise<void>((resolve) => (finish = resolve))); // in the first place
    runs.release('walks'); // the second, given back unused
    expect(runs.size).toBe(1);
    expect(runs.take('walks')).toBe(true);
    expect(runs.take('walks')).toBe(false);
    expect(runs.take('sends')).toBe(true); // each kind has its own places
    finish();
    await new Promise((r) => setImmediate(r));
    expect(runs.size).toBe(0);
    expect(runs.take('walks')).toBe(true);
  });

  it('has no places in an API process', () => {
    expect(localRuns('api', 1000).take('events')).toBe(false);
  });

  it('waits for the runs under way at shutdown and takes no new ones meanwhile', async () => {
    const runs = localRuns('worker', 10);
    let finish!: () => void;
    expect(runs.take('walks')).toBe(true);
    runs.run('walks', () => new Promise<void>((resolve) => (finish = resolve)));
    let closed = false;
    const closing = runs.beforeApplicationShutdown().then(() => (closed = true));
    expect(runs.take('walks')).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    finish();
    await closing;
    expect(runs.size).toBe(0);
  });

  it('takes no new runs while a restore holds maintenance, and takes them again after', () => {
    const runs = localRuns('all', 10);
    maintenance.current = { reason: 'restoring' };
    try {
      expect(runs.take('walks')).toBe(false);
    } finally {
      maintenance.current = undefined;
    }
    expect(runs.take('walks')).toBe(true);
  });
});
