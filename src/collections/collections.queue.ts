import { defineJobs, defineQueue } from '../platform/queue/queue.registry';

/** The collections module's own queue and jobs, declared from its folder. */
declare module '../platform/queue/queue.registry' {
  interface QueueNames {
    collections: true;
  }
  interface JobNames {
    'collections.import': true;
    'collections.tick': true;
    'collections.reminders': true;
  }
}

export const COLLECTIONS_QUEUE = defineQueue('collections');

defineJobs({
  /** One import's rows, committed 1,000 at a time with the counters. */
  'collections.import': { queue: COLLECTIONS_QUEUE },
  /** Every running campaign's due sends. */
  'collections.tick': { queue: COLLECTIONS_QUEUE, schedule: { every: 10_000 } },
  /** Promise reminders due (the allowed day before the promised date). */
  'collections.reminders': { queue: COLLECTIONS_QUEUE, schedule: { every: 60_000 } },
});
