import { defineJobs, QueueName } from '../../platform/queue/queue.registry';

/** The weekly report's jobs, declared from analytics' reports folder. */
declare module '../../platform/queue/queue.registry' {
  interface JobNames {
    'analytics.report-due': true;
    'analytics.report-send': true;
  }
}

defineJobs({
  /** Every minute: a `analytics.report-send` for each schedule whose `nextRunAt` has passed. */
  'analytics.report-due': { queue: QueueName.Maintenance, schedule: { every: 60_000 } },
  /** Renders one workspace's weekly report and e-mails it (job id: workspace + run instant). */
  'analytics.report-send': { queue: QueueName.Maintenance },
});
