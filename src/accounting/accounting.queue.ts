import { defineDlqKind } from '../events/dlq/dlq-kinds';
import { defineJobs, defineQueue } from '../platform/queue/queue.registry';

/** Accounting's own queue, jobs and dead-letter kind, declared here rather than in a central list. */
declare module '../platform/queue/queue.registry' {
  interface QueueNames {
    sync: true;
  }
  interface JobNames {
    'accounting.sync': true;
    'sync.page': true;
    'sync.cron': true;
  }
}
declare module '../events/dlq/dlq-kinds' {
  interface DlqKinds {
    accounting: true;
  }
}

/** Accounting syncs and the pages of sync jobs between systems. */
export const SYNC_QUEUE = defineQueue('sync');

defineJobs({
  /** One attempt of one accounting sync record (`accounting.sync-<sync id>-<attempt>`). */
  'accounting.sync': { queue: SYNC_QUEUE },
  /** One page of a sync job's run (`sync.page-<run id>-<page>`): read, map, upsert, checkpoint. */
  'sync.page': { queue: SYNC_QUEUE },
  /** Fired by one dynamic job scheduler per scheduled sync job (`sync-cron-<job id>`). */
  'sync.cron': { queue: SYNC_QUEUE },
});

export const ACCOUNTING_DLQ_KIND = defineDlqKind('accounting');
