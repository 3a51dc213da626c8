import { v7 as uuidv7 } from 'uuid';
import { FieldError, ProblemException } from '../../platform/http/problem';
import type { Channel } from '../channels';
import { toE164 } from '../phone';
import type { NotificationComposer, StoredContent } from './notification-composer';
import { addressFor, channelKey } from './notification-routes';
import type { Notification } from './notification.entity';
import type { SendNotificationDto } from './notifications.dto';
import { NotificationsProblem } from '../notifications.problems';

const invalid = (errors: FieldError[]) =>
  new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', { errors });

/**
 * A validated request as the row to store: the phone in E.164, channels the recipient cannot be
 * reached on skipped from the start, and every reachable channel rendered once so that a missing
 * variable is a 422 now rather than a failure later.
 */
/**
 * Whether free text may go out on WhatsApp now to this phone: false when the route is an official
 * API (Meta, Twilio) and the contact's 24-hour window is closed. Declared by the WhatsApp module
 * (`@GuardsWindow()`).
 */
export type WindowGuard = (
  workspaceId: string,
  phone: string,
  viaProviderId: string | null,
) => Promise<boolean>;

export interface PrepareOptions {
  /**
   * A caller's own id for the notification (e.g. derived from a workflow execution and step): the
   * same id twice stores and sends one notification.
   */
  id?: string;
  conversationId?: string | null;
  viaProviderId?: string | null;
  windowGuard?: WindowGuard;
}

export async function prepareNotification(
  dto: SendNotificationDto,
  workspaceId: string,
  composer: NotificationComposer,
  now: Date,
  options: PrepareOptions = {},
): Promise<Notification> {
  if (!dto.template === !dto.content)
    throw invalid([{ field: 'template', message: 'give exactly one of template or content' }]);
  const { to } = dto;
  if (!to.contactId && !to.phone && !to.email)
    throw invalid([{ field: 'to', message: 'give a contactId, a phone or an email' }]);
  const phone = to.phone ? toE164(to.phone) : undefined;
  if (to.phone && !phone) throw invalid([{ field: 'to.phone', message: 'not a valid phone number' }]);
  const address = { toPhone: phone ?? null, toEmail: to.email?.trim().toLowerCase() ?? null };
  const reachable = dto.channels.filter((c) => addressFor(address, c));
  if (reachable.length === 0) {
    throw new NotificationsProblem('RECIPIENT_UNREACHABLE', `No address for ${dto.channels.join(', ')}`, {
      errors: [{ field: 'to', message: 'WhatsApp and SMS need to.phone; email needs to.email' }],
    });
  }
  const data = dto.data ?? {};
  const content: StoredContent | null = dto.content ? { ...dto.content } : null;
  const composable = {
    workspaceId,
    templateKey: dto.template ?? null,
    content: content as Record<string, unknown> | null,
    data,
    locale: dto.locale ?? null,
  };
  const skipped = dto.channels.filter((c) => !reachable.includes(c));
  for (const channel of reachable) {
    const rendered = await composer.render(composable, channel);
    if (channel !== 'whatsapp' || rendered.whatsapp || !options.windowGuard || !phone) continue;
    if (await options.windowGuard(workspaceId, phone, options.viaProviderId ?? null)) continue;
    // Free text outside the 24-hour window: an approved template could go, this cannot.
    if (reachable.length === 1)
      throw new NotificationsProblem(
        'WHATSAPP_WINDOW_CLOSED',
        'The 24-hour customer-service window is closed: only approved templates can be sent on WhatsApp',
      );
    skipped.push('whatsapp');
  }

  const sendAt = dto.sendAt ? new Date(dto.sendAt) : null;
  const scheduled = sendAt !== null && sendAt.getTime() > now.getTime();
  const status = scheduled ? 'scheduled' : 'queued';
  return {
    id: options.id ?? uuidv7(),
    ...composable,
    toContactId: to.contactId ?? null,
    conversationId: options.conversationId ?? null,
    viaProviderId: options.viaProviderId ?? null,
    ...address,
    channels: dto.channels,
    category: dto.category ?? 'transactional',
    priority: dto.priority ?? 'normal',
    sendAt,
    status,
    attempts: 0,
    routeTries: 0,
    skippedRoutes: skipped.map((c: Channel) => channelKey(c)),
    currentAttemptId: null,
    channel: null,
    providerId: null,
    providerKind: null,
    providerMessageId: null,
    errorCode: null,
    error: null,
    timeline: [{ status, at: now.toISOString() }],
    nextAttemptAt: scheduled ? sendAt : now,
    createdAt: now,
    updatedAt: now,
  };
}
