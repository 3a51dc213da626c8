import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import { EventEnrichment, OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { EventBus, PendingEvents } from '../../events/bus/event-bus';
import { Clock } from '../../platform/clock';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { ProvidersService } from '../../notifications/providers/providers.service';
import { OnSent, SentMessage } from '../../notifications/sending/sent-observers';
import { businessNumberOf, businessNumberOfAccount } from './business-number';

export interface RecordedInbound {
  contactId: string;
  conversationId: string;
  /** Null when the handler ran before for this message (a retry of the event). */
  messageId: string | null;
}

/**
 * Every inbound WhatsApp message (any provider) upserts its contact and an open conversation and
 * is stored; every outbound one accepted by a provider is stored on its conversation. The
 * received event is enriched with `contactId` and `conversationId` before anyone else sees it.
 */
@Injectable()
export class ConversationRecorder {
  constructor(
    private readonly bus: EventBus,
    private readonly contacts: ContactsService,
    private readonly providers: ProvidersService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @OnEvent('whatsapp.conversations', 'whatsapp.message.received', { enrich: true })
  async record(event: StoredEvent): Promise<EventEnrichment | void> {
    const recorded = await this.onInbound(event);
    // Stored with the event by EventProcessor; deliveries and workflows (run after this) see it.
    if (recorded) return { contactId: recorded.contactId, conversationId: recorded.conversationId };
  }

  async onInbound(event: StoredEvent): Promise<RecordedInbound | undefined> {
    const data = event.data as unknown as WhatsAppMessageData;
    const business = businessNumberOf(data);
    if (!data.from || data.isGroup || !business) return undefined;
    const contact = await this.contacts.upsertFromChannel(event.workspaceId, {
      waId: data.from,
      name: data.contactName,
    });
    const at = new Date(data.timestamp ?? event.occurredAt);
    const existing: Array<{ id: string; conversation_id: string }> = await this.dataSource.query(
      `SELECT id, conversation_id FROM messages WHERE workspace_id = $1 AND direction = 'inbound' AND provider_message_id = $2`,
      [event.workspaceId, data.messageId],
    );
    const recorded: RecordedInbound = existing.length
      ? { contactId: contact.id, conversationId: existing[0].conversation_id, messageId: null }
      : await this.recordNew(event, data, contact.id, business, at);
    return recorded;
  }

  /**
   * The conversation's upsert (unread count, open state), the message and `conversation.opened`
   * commit together: a crash between them used to count the unread twice on the retry, or lose or
   * double the opened event. A concurrent run that stored the message first rolls this one back.
   */
  private async recordNew(
    event: StoredEvent,
    data: WhatsAppMessageData,
    contactId: string,
    business: string,
    at: Date,
  ): Promise<RecordedInbound> {
    const account = (await this.providers.routes(event.workspaceId, 'whatsapp')).find(
      (a) => businessNumberOfAccount(a) === business,
    );
    const messageId = uuidv7();
    const outcome = await this.dataSource
      .transaction(async (tx) => {
        const { id: conversationId, opened } = await this.upsertConversation(
          tx,
          event.workspaceId,
          contactId,
          business,
          data,
          at,
          account?.id ?? null,
        );
        const inserted: unknown[] = await tx.query(
          `INSERT INTO messages (id, workspace_id, conversation_id, contact_id, direction, provider_message_id, kind, text, media, status, event_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'inbound', $5, $6, $7, $8, 'received', $9, $10, $10)
           ON CONFLICT (workspace_id, direction, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
           RETURNING id`,
          [
            messageId,
            event.workspaceId,
            conversationId,
            contactId,
            data.messageId,
            data.kind,
            data.text,
            data.media ? JSON.stringify(data.media) : null,
            event.id,
            at,
          ],
        );
        if (inserted.length === 0) throw new AlreadyRecorded();
        const openedEvents: PendingEvents = opened
          ? await this.emitOpened(tx, event, conversationId, contactId, business)
          : { rows: [] };
        return { conversationId, openedEvents };
      })
      .catch((err: unknown) => {
        if (err instanceof AlreadyRecorded) return undefined;
        throw err;
      });
    if (!outcome) {
      const [row]: Array<{ conversation_id: string }> = await this.dataSource.query(
        `SELECT conversation_id FROM messages WHERE workspace_id = $1 AND direction = 'inbound' AND provider_message_id = $2`,
        [event.workspaceId, data.messageId],
      );
      return { contactId, conversationId: row.conversation_id, messageId: null };
    }
    await this.bus.publish(outcome.openedEvents);
    return { contactId, conversationId: outcome.conversationId, messageId };
  }

  /** An accepted WhatsApp send: on its conversation (created if needed) as an outbound message. */
  @OnSent()
  async onSent(sent: SentMessage): Promise<void> {
    const n = sent.notification;
    if (sent.channel !== 'whatsapp' || sent.account.kind === 'sandbox') return;
    const business = businessNumberOfAccount(sent.account);
    if (!business) return;
    const now = this.clock.now();
    let conversationId = n.conversationId;
    let contactId: string | undefined;
    if (!conversationId) {
      const contact =
        (n.toContactId && (await this.contacts.find(n.workspaceId, n.toContactId))) ||
        (await this.contacts.upsertFromChannel(n.workspaceId, { phone: n.toPhone ?? undefined }));
      contactId = contact.id;
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `INSERT INTO conversations (id, workspace_id, contact_id, business_number, provider, provider_id, status, last_message_at, unread_count, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, 0, $7, $7)
         ON CONFLICT (workspace_id, contact_id, business_number) DO UPDATE SET last_message_at = $7, updated_at = $7,
           provider_id = COALESCE(conversations.provider_id, EXCLUDED.provider_id)
         RETURNING id`,
        [uuidv7(), n.workspaceId, contact.id, business, sent.account.kind, sent.account.id, now],
      );
      conversationId = rows[0].id;
    } else {
      await this.dataSource.query(
        `UPDATE conversations SET last_message_at = $2, updated_at = $2 WHERE id = $1`,
        [conversationId, now],
      );
    }
    // One message per notification: a reply written through the conversation API already has it.
    await this.dataSource.query(
      `INSERT INTO messages (id, workspace_id, conversation_id, contact_id, direction, provider_message_id, kind, text, status, notification_id, created_at, updated_at)
       SELECT $1, $2, $3, COALESCE($4, c.contact_id), 'outbound', $5, $6, $7, 'sent', $8, $9, $9 FROM conversations c WHERE c.id = $3
       ON CONFLICT (notification_id) WHERE notification_id IS NOT NULL
       DO UPDATE SET provider_message_id = EXCLUDED.provider_message_id, status = 'sent', updated_at = EXCLUDED.updated_at`,
      [
        uuidv7(),
        n.workspaceId,
        conversationId,
        contactId ?? null,
        sent.providerMessageId,
        sent.template ? 'template' : 'text',
        sent.text,
        n.id,
        now,
      ],
    );
  }

  private async upsertConversation(
    tx: EntityManager,
    workspaceId: string,
    contactId: string,
    business: string,
    data: WhatsAppMessageData,
    at: Date,
    providerId: string | null,
  ): Promise<{ id: string; opened: boolean }> {
    const now = this.clock.now();
    const rows: Array<{ id: string; prev: string | null }> = await tx.query(
      `WITH prev AS (SELECT status FROM conversations WHERE workspace_id = $2 AND contact_id = $3 AND business_number = $4)
       INSERT INTO conversations (id, workspace_id, contact_id, business_number, provider, provider_id, status, last_inbound_at,
         last_message_at, unread_count, last_inbound_message_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7, 1, $8, $9, $9)
       ON CONFLICT (workspace_id, contact_id, business_number) DO UPDATE SET status = 'open',
         last_inbound_at = GREATEST(conversations.last_inbound_at, $7), last_message_at = GREATEST(conversations.last_message_at, $7),
         unread_count = conversations.unread_count + 1, last_inbound_message_id = $8, updated_at = $9,
         provider_id = COALESCE(EXCLUDED.provider_id, conversations.provider_id)
       RETURNING id, (SELECT status FROM prev) AS prev`,
      [uuidv7(), workspaceId, contactId, business, data.provider, providerId, at, data.messageId, now],
    );
    return { id: rows[0].id, opened: rows[0].prev !== 'open' };
  }

  /** `conversation.opened`, in the transaction that opened it (published after the commit). */
  private emitOpened(
    tx: EntityManager,
    event: StoredEvent,
    conversationId: string,
    contactId: string,
    business: string,
  ): Promise<PendingEvents> {
    const data = {
      conversationId,
      contactId,
      businessNumber: business,
      provider: event.data.provider,
      eventId: event.id,
    };
    return this.bus.emitIn(tx, event.workspaceId, 'conversation.opened', data, {
      occurredAt: event.occurredAt,
    });
  }
}

/** Thrown inside the transaction to roll it back: another run stored this message first. */
class AlreadyRecorded extends Error {}
