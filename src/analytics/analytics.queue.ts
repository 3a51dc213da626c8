import { defineJobs, QueueName } from '../platform/queue/queue.registry';

/** The analytics module's jobs, declared from its own folder. */
declare module '../platform/queue/queue.registry' {
  interface JobNames {
    'analytics.alerts-tick': true;
  }
}

/** Alert rules are evaluated by one job scheduler: once per tick whatever the number of workers. */
export const ALERTS_TICK_MS = 15_000;

defineJobs({
  'analytics.alerts-tick': { queue: QueueName.Maintenance, schedule: { every: ALERTS_TICK_MS } },
});
