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
/** Messages the booking flow answers: a booking intent, a reply to a reminder, a slot chosen (a button or a number). */
const BOOKING_FILTER =
  '($t := $lowercase(event.data.text); $c := event.data.choice.id; ($c and $contains($c, "slot:")) or ($t and $contains($t, /marcar|agendar|reservar|confirmo|^\\s*[1-9]\\s*$/)))';
const REMINDER_DATA = `{${NAME}, "service": event.data.service, "startsAt": event.data.startsAt, ${BUSINESS}, "address": event.data.address ?? workspace.address}`;

/**
 * The built-in automations of the spec, with its pinned step ids. `POST
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
        // serviceEventId and appointmentId link the contact's reply to the service (crm/feedback).
        data: `{${NAME}, "service": event.data.service, "feedbackUrl": event.data.feedbackUrl, ${BUSINESS}, "serviceEventId": event.id, "appointmentId": event.data.appointmentId}`,
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
    key: 'appointment-booking',
    name: 'Book appointments over WhatsApp',
    description:
      '"quero marcar um corte" → the next free slots (reply buttons on Meta, numbered text on WAHA/Z-API) → the choice is booked → confirmation; "confirmo" confirms the next appointment, "preciso remarcar" offers new times for it',
    trigger: { event: 'whatsapp.message.received', filter: BOOKING_FILTER },
    steps: [
      {
        id: 'read',
        type: 'action',
        name: 'calendar.readBookingReply',
        input: '{"text": event.data.text, "choiceId": event.data.choice.id}',
      },
      {
        id: 'offer-or-book',
        type: 'branch',
        if: 'steps.read.output.intent in ["book", "reschedule"]',
        then: [
          {
            id: 'slots',
            type: 'action',
            name: 'calendar.findSlots',
            input:
              '{"slotMinutes": steps.read.output.durationMinutes ? steps.read.output.durationMinutes : 30, "limit": 3}',
          },
          {
            id: 'offer',
            type: 'action',
            name: 'calendar.offerSlots',
            input:
              '{"slots": steps.slots.output.slots, "service": steps.read.output.service, "appointmentId": steps.read.output.appointmentId}',
          },
        ],
        else: [
          {
            id: 'chosen',
            type: 'branch',
            if: 'steps.read.output.intent = "choose"',
            then: [
              {
                id: 'book',
                type: 'action',
                name: 'calendar.bookOffered',
                input: '{"offerId": steps.read.output.offerId, "index": steps.read.output.index}',
              },
              {
                id: 'booked',
                type: 'notify',
                channels: ['whatsapp'],
                to: TO,
                template: 'appointment-confirmation',
                data: `{"name": steps.book.output.name ?? contact.name, "service": steps.book.output.service, "startsAt": steps.book.output.startsAt, ${BUSINESS}}`,
              },
            ],
            else: [
              {
                id: 'confirming',
                type: 'branch',
                if: 'steps.read.output.intent = "confirm"',
                then: [
                  {
                    id: 'confirm',
                    type: 'action',
                    name: 'calendar.confirmAppointment',
                    input: '{"appointmentId": steps.read.output.appointmentId}',
                  },
                  {
                    id: 'confirmed',
                    type: 'notify',
                    channels: ['whatsapp'],
                    to: TO,
                    template: 'appointment-confirmation',
                    data: `{"name": steps.confirm.output.name ?? contact.name, "service": steps.confirm.output.service, "startsAt": steps.confirm.output.startsAt, ${BUSINESS}}`,
                  },
                ],
              },
            ],
          },
        ],
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
  {
    key: 'whatsapp-lead',
    name: 'WhatsApp → CRM lead',
    description:
      'A conversation opens (first message of a new contact) → crm.upsertLead (Bitrix24, or the endpoint with system crm) with its source and conversation → crm.lead.upserted tells the service desk',
    trigger: { event: 'conversation.opened' },
    steps: [
      {
        id: 'lead',
        type: 'action',
        name: 'crm.upsertLead',
        input:
          '{"name": contact.name, "phone": contact.phone, "email": contact.email, "source": "OTHER", "sourceDescription": "WhatsApp " & event.data.businessNumber, "comments": "Conversa no WhatsApp: " & event.data.conversationId}',
      },
      {
        id: 'tell-desk',
        type: 'emit',
        event: 'crm.lead.upserted',
        data: '{"lead": steps.lead.output, "contactId": contact.id, "name": contact.name, "phone": contact.phone, "conversationId": event.data.conversationId}',
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
