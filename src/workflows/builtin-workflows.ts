import type { CancelOn, Step, Trigger } from './workflow-definition';

export interface BuiltinWorkflow {
  key: string;
  name: string;
  description: string;
  trigger: Trigger;
  steps: Step[];
  cancelOn?: CancelOn;
}

/** The recipient: the event's phone and e-mail, completed by the contact it reaches (if any). */
const TO = '{"contactId": contact.id, "phone": event.data.phone, "email": event.data.email}';
const NAME = '"name": contact.name ?? event.data.name';
const BUSINESS = '"businessName": event.data.businessName ?? workspace.businessName';
const APPOINTMENT_ID = (of: string) => `(${of}.data.appointmentId ?? ${of}.data.id)`;
const BEFORE_START = (ms: number) => `$fromMillis($toMillis(event.data.startsAt) - ${ms})`;
const REMINDER_DATA = `{${NAME}, "service": event.data.service, "startsAt": event.data.startsAt, ${BUSINESS}, "address": event.data.address ?? workspace.address}`;

/**
 * The five built-in automations of the spec, with its pinned step ids. `POST
 * /v1/workflows/from-template` copies one into the workspace; overrides address steps by id.
 */
export const BUILTIN_WORKFLOWS: readonly BuiltinWorkflow[] = [
  {
    key: 'lead-welcome',
    name: 'Welcome a new lead',
    description: 'lead.created → WhatsApp welcome; the contact is tagged lead and with its UTM campaign',
    trigger: { event: 'lead.created' },
    steps: [
      {
        id: 'welcome',
        type: 'notify',
        channels: ['whatsapp'],
        to: TO,
        template: 'lead-welcome',
        data: `{${NAME}, ${BUSINESS}}`,
      },
      {
        id: 'tag-campaign',
        type: 'action',
        name: 'contact.tag',
        input:
          '($c := event.data.utm.campaign ?? event.data.utm_campaign ?? event.data.utmCampaign; {"tags": $append(["lead"], $c ? ["utm:" & $c] : [])})',
      },
    ],
  },
  {
    key: 'client-registered',
    name: 'Welcome a new client and set them up in finance',
    description: 'client.registered → e-mail and WhatsApp welcome; accounting.setupCustomer',
    trigger: { event: 'client.registered' },
    steps: [
      {
        id: 'welcome',
        type: 'notify',
        channels: ['email', 'whatsapp'],
        to: TO,
        template: 'client-welcome',
        data: `{${NAME}, ${BUSINESS}}`,
      },
      { id: 'setup-customer', type: 'action', name: 'accounting.setupCustomer', input: 'event.data' },
    ],
  },
  {
    key: 'service-completed-feedback',
    name: 'Thank the client, then ask for feedback',
    description: 'service.completed → tell the client → wait 2 h → ask for feedback on WhatsApp and e-mail',
    trigger: { event: 'service.completed' },
    steps: [
      {
        id: 'notify-completed',
        type: 'notify',
        channels: ['whatsapp'],
        to: TO,
        template: 'service-completed',
        data: `{${NAME}, "service": event.data.service, ${BUSINESS}}`,
      },
      { id: 'wait', type: 'delay', duration: 'PT2H' },
      {
        id: 'ask-feedback',
        type: 'notify',
        channels: ['whatsapp', 'email'],
        to: TO,
        template: 'feedback-request',
        data: `{${NAME}, "service": event.data.service, "feedbackUrl": event.data.feedbackUrl, ${BUSINESS}}`,
      },
    ],
  },
  {
    key: 'appointment-reminders',
    name: 'Appointment reminders 24 h and 1 h before',
    description:
      'appointment.scheduled or .rescheduled → reminders 24 h and 1 h before; appointment.cancelled and .rescheduled stop the reminders already waiting for that appointment',
    trigger: { event: ['appointment.scheduled', 'appointment.rescheduled'] },
    cancelOn: {
      event: ['appointment.cancelled', 'appointment.rescheduled'],
      match: `${APPOINTMENT_ID('event')} = ${APPOINTMENT_ID('trigger')}`,
    },
    steps: [
      { id: 'wait-24h', type: 'delay', until: BEFORE_START(24 * 3600_000) },
      {
        id: 'remind-24h',
        type: 'notify',
        channels: ['whatsapp'],
        to: TO,
        template: 'appointment-reminder-24h',
        data: REMINDER_DATA,
      },
      { id: 'wait-1h', type: 'delay', until: BEFORE_START(3600_000) },
      {
        id: 'remind-1h',
        type: 'notify',
        channels: ['whatsapp'],
        to: TO,
        template: 'appointment-reminder-1h',
        data: REMINDER_DATA,
      },
    ],
  },
  {
    key: 'payment-received',
    name: 'Payment receipt',
    description: 'payment.received → receipt by WhatsApp, or by e-mail when WhatsApp fails',
    trigger: { event: 'payment.received' },
    steps: [
      {
        id: 'receipt',
        type: 'notify',
        channels: ['whatsapp', 'email'],
        fallback: true,
        to: TO,
        template: 'payment-received',
        data: `{${NAME}, "amount": event.data.amount, ${BUSINESS}, "description": event.data.description, "paidAt": event.data.paidAt}`,
      },
    ],
  },
];

export const findBuiltinWorkflow = (key: string) => BUILTIN_WORKFLOWS.find((w) => w.key === key);

/** The template's steps with `overrides[id]` merged into each (ids and types stay); unknown ids listed. */
export function applyStepOverrides(
  steps: Step[],
  overrides: Record<string, Record<string, unknown>>,
): { steps: Step[]; unknown: string[] } {
  const used = new Set<string>();
  const apply = (list: Step[]): Step[] =>
    list.map((step) => {
      const patch = overrides[step.id];
      if (patch) used.add(step.id);
      const merged = { ...step, ...(patch ?? {}), id: step.id, type: step.type } as Record<string, unknown>;
      // null removes a field: `{"wait-24h": {"until": null, "duration": "PT2S"}}`.
      for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
      return nested(merged as unknown as Step);
    });
  const nested = (merged: Step): Step => {
    if (merged.type === 'branch') {
      merged.then = apply(merged.then);
      if (merged.else) merged.else = apply(merged.else);
    }
    return merged;
  };
  const result = apply(steps);
  return { steps: result, unknown: Object.keys(overrides).filter((id) => !used.has(id)) };
}
