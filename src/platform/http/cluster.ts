import cluster, { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { AppRole } from '../../config/config';

/** How a cluster worker asks the primary for every process's metrics, summed. */
const METRICS_REQ = 'ponte:cluster-metrics';
/** A worker that dies within this long of its start is restarted after a pause, not at once. */
const CRASH_LOOP_MS = 10_000;
const RESTART_PAUSE_MS = 1000;

interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface PrimaryOptions {
  size: number;
  role: AppRole;
  shutdownTimeoutMs: number;
  log: Log;
}

/**
 * WEB_CONCURRENCY > 1: this process forks `size` workers that each run the Nest app on the shared
 * port (node's cluster hands out connections round robin). In the `all` role only slot 0 runs the
 * queue workers (`APP_ROLE=all`), the others serve HTTP only (`api`): one process's workers already
 * run WORKER_BATCH_CONCURRENCY jobs at once, and more would compete for the same database; extra
 * worker processes are started on their own (`APP_ROLE=worker`). A worker that dies is replaced in
 * its slot (a replaced slot 0 runs the queue workers again); one that dies before it ever listened
 * stops the whole cluster (a start-up error is not mended by retrying). SIGTERM/SIGINT reach every
 * worker, which stops gracefully; the primary exits when all have.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { size, role, log } = options;
  const slots = new Map<Worker, { slot: number; startedAt: number; listened: boolean }>();
  let stopping = false;
  let failed = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({
      APP_ROLE: role === 'all' && slot > 0 ? 'api' : role,
      PONTE_CLUSTER_SLOT: String(slot),
    });
    slots.set(worker, { slot, startedAt: Date.now(), listened: false });
  };

  cluster.on('listening', (worker) => {
    const entry = slots.get(worker);
    if (entry) entry.listened = true;
  });
  cluster.on('exit', (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (!entry) return;
    if (stopping || failed) {
      if (slots.size === 0) process.exit(failed || code !== 0 ? 1 : 0);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!entry.listened) {
      log.error(`Worker ${worker.process.pid} (slot ${entry.slot}) exited (${how}) before serving: stopping`);
      failed = true;
      stopAll('SIGTERM');
      if (slots.size === 0) process.exit(1);
      return;
    }
    const pause = Date.now() - entry.startedAt < CRASH_LOOP_MS ? RESTART_PAUSE_MS : 0;
    log.warn(`Worker ${worker.process.pid} (slot ${entry.slot}) exited (${how}): starting another`);
    setTimeout(() => !stopping && fork(entry.slot), pause);
  });

  const stopAll = (signal: NodeJS.Signals) => {
    for (const worker of slots.keys()) worker.process.kill(signal);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping ${slots.size} workers`);
    stopAll('SIGTERM');
    setTimeout(() => {
      log.error(`Workers still running after ${options.shutdownTimeoutMs} ms: killing them`);
      stopAll('SIGKILL');
      process.exit(1);
    }, options.shutdownTimeoutMs + 2000).unref();
    if (slots.size === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  answerMetricsRequests();
  for (let slot = 0; slot < size; slot++) fork(slot);
  log.info(`Ponte (${role}) primary ${process.pid}: ${size} workers`);
}

/** Primary: a worker's request for the cluster's metrics is answered with all workers' summed. */
function answerMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQ) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: METRICS_REQ, id: message.id, text }),
      (err: Error) =>
        worker.isConnected() && worker.send({ type: METRICS_REQ, id: message.id, error: err.message }),
    );
  });
}

let requests = 0;

/**
 * In a cluster worker: the registry the primary collects from, and a function that renders the
 * whole cluster's metrics (asked of the primary). Elsewhere: the registry's own metrics.
 */
export function clusterMetricsFor(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  new AggregatorRegistry(); // installs the answer to the primary's collection requests
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++requests;
      const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
        if (message?.type !== METRICS_REQ || message.id !== id) return;
        process.off('message', onMessage);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.text ?? '');
      };
      process.on('message', onMessage);
      process.send!({ type: METRICS_REQ, id });
    });
}
