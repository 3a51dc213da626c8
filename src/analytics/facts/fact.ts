/** The dimensions a fact (and a rollup row) carries; '' when it does not apply. */
export const DIMENSIONS = [
  'channel',
  'provider',
  'status',
  'eventType',
  'source',
  'workflow',
  'campaign',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DIMENSION_COLUMNS: Record<Dimension, string> = {
  channel: 'channel',
  provider: 'provider',
  status: 'status',
  eventType: 'event_type',
  source: 'source',
  workflow: 'workflow',
  campaign: 'campaign',
};

/** The metrics facts are kept under. */
export type FactMetric =
  | 'messages.sent'
  | 'messages.delivered'
  | 'messages.read'
  | 'messages.failed'
  | 'messages.inbound'
  | 'conversations.first_response'
  | 'events.received'
  | 'webhooks.rejected'
  | 'deliveries.succeeded'
  | 'deliveries.failed'
  | 'workflows.executions'
  | 'appointments.scheduled'
  | 'appointments.completed'
  | 'appointments.no_show'
  | 'appointments.cancelled'
  | 'collections.recovered'
  | 'collections.promise_made'
  | 'collections.promise_kept';

/** One thing that happened. `id` makes it count once however often it is reported. */
export interface Fact extends Partial<Record<Dimension, string>> {
  id: string;
  workspaceId: string;
  metric: FactMetric;
  at: Date;
  value?: number;
  durationMs?: number | null;
}
