import type { FailureKind, OutgoingMessage } from '../provider-adapter';
import { SendFailure } from '../provider-adapter';

/** SendGrid v3 Mail Send bodies and error handling (reference §7.1), free of I/O. */

export interface SendGridErrors {
  errors?: Array<{ message?: string; field?: string | null; help?: unknown }>;
}

/** `Ponte <no-reply@x.com>` → `{email, name}`; a bare address → `{email}`. */
export function mailbox(from: string): { email: string; name?: string } {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(from);
  if (!m) return { email: from.trim() };
  const name = m[1].replace(/^"(.*)"$/, '$1').trim();
  return name ? { email: m[2].trim(), name } : { email: m[2].trim() };
}

/**
 * One personalization to the notification's address. `custom_args` come back on SendGrid's event
 * webhook, so an event can be tied to its notification without the message id.
 */
export function sendGridBody(message: OutgoingMessage, from: string): Record<string, unknown> {
  const { subject, text, html } = message.content;
  // SendGrid wants text/plain first when both parts are present.
  const content = [{ type: 'text/plain', value: text }];
  if (html) content.push({ type: 'text/html', value: html });
  return {
    personalizations: [{ to: [{ email: message.to }] }],
    from: mailbox(from),
    subject: subject ?? '',
    content,
    custom_args: { ponte_notification_id: message.notificationId },
    headers: { 'X-Ponte-Notification': message.notificationId },
    ...(message.attachments?.length && {
      attachments: message.attachments.map((a) => ({
        content: a.content.toString('base64'),
        filename: a.filename,
        type: a.contentType,
        disposition: 'attachment',
      })),
    }),
  };
}

/** 429 and 5xx pass; 400 (bad request), 401/403 (API key, scopes, sender identity), 413 do not. */
export function classifySendGridStatus(status: number): FailureKind {
  return status === 429 || status >= 500 ? 'transient' : 'permanent';
}

/** The failure of a non-2xx answer, with every error SendGrid listed (and the field it names). */
export function sendGridFailure(status: number, body: SendGridErrors | undefined): SendFailure {
  const errors = (body?.errors ?? [])
    .filter((e) => e.message)
    .map((e) => (e.field ? `${e.field}: ${e.message}` : String(e.message)));
  return new SendFailure(
    classifySendGridStatus(status),
    `http_${status}`,
    errors.length ? errors.join('; ') : `HTTP ${status}`,
  );
}
