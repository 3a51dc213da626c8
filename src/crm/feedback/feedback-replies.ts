import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { EventBus, type PendingEvents } from '../../events/bus/event-bus';
import { OnEvent, type StoredEvent } from '../../events/processing/event-handlers';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { OnSent, type SentMessage } from '../../notifications/sending/sent-observers';
import { Clock } from '../../platform/clock';
import { parseFeedbackScore } from './feedback-score';
import { feedbackConfig } from './feedback.config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OpenRequest {
  id: string;
  service_event_id: string | null;
  appointment_id: string | null;
  service: string | null;
  requested_at: Date;
  answered_at: Date | null;
}

/**
 * Feedback replies: a feedback request a provider accepted is recorded for its contact; the
 * contact's next WhatsApp text within the window answers the latest request, once, and becomes
 * `feedback.received` with the score read from it (null when it holds none).
 */
@Injectable()
export class FeedbackReplies {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @InjectConfig(feedbackConfig) private readonly config: ConfigOf<typeof feedbackConfig>,
  ) {}

  /** A send of a feedback template: the request, once per service (WhatsApp and e-mail alike). */
  @OnSent()
  async onSent(sent: SentMessage): Promise<void> {
    const n = sent.notification;
    if (!n.templateKey || !this.config.requestTemplates.includes(n.templateKey)) return;
    const contactId =
      n.toContactId ??
      (n.toPhone || n.toEmail
        ? (
            await this.contacts.upsertFromChannel(n.workspaceId, {
              phone: n.toPhone ?? undefined,
              email: n.toEmail ?? undefined,
            })
          ).id
        : null);
    if (!contactId) return;
    const data = n.data ?? {};
    const serviceEventId =
      typeof data.serviceEventId === 'string' && UUID.test(data.serviceEventId) ? data.serviceEventId : null;
    await this.dataSource.query(
      `INSERT INTO feedback_requests (id, workspace_id, contact_id, request_key, notification_id, service_event_id, appointment_id, service, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, request_key) DO NOTHING`,
      [
        uuidv7(),
        n.workspaceId,
        contactId,
        serviceEventId ? `service:${serviceEventId}` : `notification:${n.id}`,
        n.id,
        serviceEventId,
        textOrNull(data.appointmentId),
        textOrNull(data.service),
        this.clock.now(),
      ],
    );
  }

  /** The contact's WhatsApp text answers its latest request within the window, if still open. */
  @OnEvent('feedback.onReply', 'whatsapp.message.received')
  async onReply(event: StoredEvent): Promise<void> {
    const { contactId, text } = event.data;
    if (typeof contactId !== 'string' || typeof text !== 'string' || !text.trim()) return;
    const at = event.receivedAt;
    const pending = await this.dataSource.transaction(async (m): Promise<PendingEvents | null> => {
      // Locked: two replies at once wait for each other, and the second finds it answered.
      const [request]: OpenRequest[] = await m.query(
        `SELECT id, service_event_id, appointment_id, service, requested_at, answered_at FROM feedback_requests
         WHERE workspace_id = $1 AND contact_id = $2 AND requested_at <= $3 AND requested_at > $4
         ORDER BY requested_at DESC, id DESC LIMIT 1 FOR UPDATE`,
        [event.workspaceId, contactId, at, new Date(at.getTime() - this.config.replyWindowMs)],
      );
      if (!request || request.answered_at) return null;
      const parsed = parseFeedbackScore(text);
      const emitted = await this.bus.emitIn(
        m,
        event.workspaceId,
        'feedback.received',
        {
          score: parsed?.score ?? null,
          scale: parsed?.scale ?? null,
          text,
          contactId,
          serviceEventId: request.service_event_id,
          appointmentId: request.appointment_id,
          service: request.service,
          requestedAt: new Date(request.requested_at).toISOString(),
          replyEventId: event.id,
          conversationId: event.data.conversationId ?? null,
        },
        { dedupeKey: `feedback:${request.id}` },
      );
      await m.query(
        `UPDATE feedback_requests SET answered_at = $2, reply_event_id = $3, feedback_event_id = $4 WHERE id = $1`,
        [request.id, at, event.id, emitted.rows[0]?.id ?? null],
      );
      return emitted;
    });
    if (pending) await this.bus.publish(pending);
  }
}

function textOrNull(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 500) : null;
}
