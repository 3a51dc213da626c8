import { defineJobs, QueueName } from '../platform/queue/queue.registry';

/** The analytics module's jobs, declared from its own folder. */
declare module '../platform/queue/queue.registry' {
  interface JobNames {
    'analytics.alerts-tick': true;
  }
}

// Alert rules are evaluated by one repeatable job (a BullMQ job scheduler: once per tick across
// every worker process), every ALERTS_TICK_MS.
defineJobs({ 'analytics.alerts-tick': { queue: QueueName.Maintenance } });
