import type { StoredEvent } from '../../events/processing/event-handlers';
import type { Fact } from './fact';

const APPOINTMENTS: Record<string, Fact['metric']> = {
  'appointment.scheduled': 'appointments.scheduled',
  'appointment.completed': 'appointments.completed',
  'appointment.no_show': 'appointments.no_show',
  'appointment.cancelled': 'appointments.cancelled',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * What an event stored by the events module tells analytics: every event is `events.received`
 * (by type and source); inbound messages, appointments and collections' debt moves also count
 * under their own metrics. Ids derive from the event's, so a re-run of the subscriber adds nothing.
 */
export function factsOfEvent(event: StoredEvent): Fact[] {
  const base = { workspaceId: event.workspaceId, at: event.occurredAt };
  const d = event.data;
  const facts: Fact[] = [
    {
      ...base,
      id: `e:${event.id}`,
      metric: 'events.received',
      eventType: event.type,
      source: event.sourceId ?? 'api',
    },
  ];
  const also = (metric: Fact['metric'], extra: Partial<Fact> = {}) =>
    facts.push({ ...base, id: `e:${event.id}:${metric}`, metric, ...extra });

  if (event.type === 'whatsapp.message.received' || event.type === 'sms.message.received') {
    also('messages.inbound', { channel: event.type.split('.')[0], provider: str(d.provider) });
  }
  const appointment = APPOINTMENTS[event.type];
  if (appointment) also(appointment);
  if (event.type === 'collections.debt.promised')
    also('collections.promise_made', { campaign: str(d.campaignId) });
  if (event.type === 'collections.debt.paid') {
    const campaign = str(d.campaignId);
    also('collections.recovered', { value: num(d.paidCents) || num(d.amountCents), campaign });
    if (d.from === 'promised') also('collections.promise_kept', { campaign });
  }
  return facts;
}
