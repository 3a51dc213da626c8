import { defineJobs, QueueName } from '../platform/queue/queue.registry';

/** The backup module's jobs, declared from its own folder. */
declare module '../platform/queue/queue.registry' {
  interface JobNames {
    'backup.create': true;
    'backup.validate': true;
    'backup.nightly': true;
    'backup.validate-newest': true;
  }
}

// One dump, one validation; the last two are fired by dynamic job schedulers (BACKUP_CRON,
// BACKUP_VALIDATE_CRON).
defineJobs({
  'backup.create': { queue: QueueName.Maintenance },
  'backup.validate': { queue: QueueName.Maintenance },
  'backup.nightly': { queue: QueueName.Maintenance },
  'backup.validate-newest': { queue: QueueName.Maintenance },
});
