import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of templates and sending. */
export const NOTIFICATIONS_PROBLEMS = defineProblems('notifications', {
  TEMPLATE_INVALID: { status: 422, title: 'The template does not parse' },
  TEMPLATE_NOT_FOUND: { status: 422, title: 'No template with this key for the channel' },
  TEMPLATE_VARIABLES_MISSING: { status: 422, title: 'The data lacks variables the template uses' },
  NOTIFICATION_NOT_CANCELLABLE: { status: 409, title: 'The notification can no longer be cancelled' },
  WHATSAPP_WINDOW_CLOSED: {
    status: 422,
    title: 'Outside the 24-hour WhatsApp window only approved templates can be sent',
  },
  RECIPIENT_UNREACHABLE: { status: 422, title: 'The recipient has no address for the channels asked' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof NOTIFICATIONS_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the notifications area; the exception filter maps it like every other problem. */
export class NotificationsProblem extends ProblemException<keyof typeof NOTIFICATIONS_PROBLEMS> {}
