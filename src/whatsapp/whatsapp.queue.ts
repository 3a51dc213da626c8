import { defineJobs, QueueName } from '../platform/queue/queue.registry';

/** The whatsapp module's own jobs, declared from its folder. */
declare module '../platform/queue/queue.registry' {
  interface JobNames {
    'whatsapp.session-check': true;
  }
}

/** How often every WhatsApp Web session (WAHA, Z-API) is asked its status. */
export const SESSION_CHECK_EVERY_MS = 60_000;

defineJobs({
  /** Every enabled WAHA and Z-API provider's session status: a drop raises provider.session.disconnected. */
  'whatsapp.session-check': { queue: QueueName.Maintenance, schedule: { every: SESSION_CHECK_EVERY_MS } },
});
