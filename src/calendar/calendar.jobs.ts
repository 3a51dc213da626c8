import { defineJobs, QueueName } from '../platform/queue/queue.registry';

/** The calendar's jobs, declared from its own folder. */
declare module '../platform/queue/queue.registry' {
  interface JobNames {
    'calendar.sync-due': true;
    'calendar.sync': true;
    'calendar.push': true;
  }
}

defineJobs({
  /** Enqueues a `calendar.sync` for each Google connection whose sync is due (CALENDAR_SYNC_INTERVAL_MS). */
  'calendar.sync-due': { queue: QueueName.Maintenance, schedule: { every: 15_000 } },
  /** One incremental (or, after 410, full) sync of one connection's calendars. */
  'calendar.sync': { queue: QueueName.Maintenance },
  /** Sends one local change of a calendar event to Google (safe to retry). */
  'calendar.push': { queue: QueueName.Deliveries },
});
