import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import { EventEnrichment, OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { EventBus, PendingEvents } from '../../events/bus/event-bus';
import { Clock } from '../../platform/clock';
import { Batched } from '../../platform/database/batched';
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
  private readonly outbound = new Batched<Outbound, void>((items) => this.recordOutbound(items));

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

  /**
   * An accepted WhatsApp send: on its conversation (created if needed) as an outbound message,
   * written with the concurrent sends' in one statement.
   */
  @OnSent()
  async onSent(sent: SentMessage): Promise<void> {
    const n = sent.notification;
    if (sent.channel !== 'whatsapp' || sent.account.kind === 'sandbox') return;
    const business = businessNumberOfAccount(sent.account);
    if (!business) return;
    let contactId: string | null = null;
    if (!n.conversationId) {
      // the sender found the contact just before the call; else it is found or created here
      contactId =
        sent.contactId ??
        (
          (n.toContactId && (await this.contacts.find(n.workspaceId, n.toContactId))) ||
          (await this.contacts.upsertFromChannel(n.workspaceId, { phone: n.toPhone ?? undefined }))
        ).id;
    }
    await this.outbound.run({
      messageId: uuidv7(),
      workspaceId: n.workspaceId,
      conversationId: n.conversationId,
      contactId,
      business,
      provider: sent.account.kind,
      providerId: sent.account.id,
      providerMessageId: sent.providerMessageId,
      kind: sent.template ? 'template' : 'text',
      text: sent.text,
      notificationId: n.id,
      at: this.clock.now(),
      newConversationId: uuidv7(),
    });
  }

  /**
   * Items whose message did not come back (two of a batch on one conversation, one opening it and
   * one replying in it: PostgreSQL moves a row once per statement) are written again on their own.
   */
  private async recordOutbound(items: Outbound[]): Promise<void[]> {
    const recorded = await this.writeOutbound(items);
    if (items.length > 1)
      for (const item of items.filter((i) => !recorded.has(i.notificationId)))
        await this.writeOutbound([item]);
    return items.map(() => undefined);
  }

  /**
   * New conversations upserted, known ones touched (locked in id order), one message per
   * notification (a reply written through the conversation API already has it).
   */
  private async writeOutbound(items: Outbound[]): Promise<Set<string>> {
    const col = <T>(pick: (i: Outbound) => T) => items.map(pick);
    const rows: Array<{ notification_id: string }> = await this.dataSource.query(
      `WITH u AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::uuid[],
           $8::text[], $9::text[], $10::text[], $11::uuid[], $12::timestamptz[], $13::uuid[])
           AS u(message_id, ws, conversation_id, contact_id, business, provider, provider_id, provider_message_id,
             kind, text, notification_id, at, new_conversation_id)),
       opened AS (
         INSERT INTO conversations (id, workspace_id, contact_id, business_number, provider, provider_id, status, last_message_at, unread_count, created_at, updated_at)
         SELECT DISTINCT ON (ws, contact_id, business) new_conversation_id, ws, contact_id, business, provider, provider_id, 'open', at, 0, at, at
         FROM u WHERE conversation_id IS NULL ORDER BY ws, contact_id, business, at DESC
         ON CONFLICT (workspace_id, contact_id, business_number) DO UPDATE SET last_message_at = EXCLUDED.last_message_at,
           updated_at = EXCLUDED.updated_at, provider_id = COALESCE(conversations.provider_id, EXCLUDED.provider_id)
         RETURNING id, workspace_id, contact_id, business_number),
       known AS (
         SELECT c.id FROM conversations c WHERE c.id IN (SELECT conversation_id FROM u) ORDER BY c.id FOR UPDATE),
       touched AS (
         UPDATE conversations c SET last_message_at = t.at, updated_at = t.at
         FROM (SELECT conversation_id, max(at) AS at FROM u GROUP BY conversation_id) t, known k
         WHERE c.id = t.conversation_id AND c.id = k.id
         RETURNING c.id, c.contact_id),
       target AS (
         SELECT u.*, o.id AS conv, u.contact_id AS contact FROM u
           JOIN opened o ON u.conversation_id IS NULL AND o.workspace_id = u.ws AND o.contact_id = u.contact_id AND o.business_number = u.business
         UNION ALL
         SELECT u.*, t.id, t.contact_id FROM u JOIN touched t ON t.id = u.conversation_id)
       INSERT INTO messages (id, workspace_id, conversation_id, contact_id, direction, provider_message_id, kind, text, status, notification_id, created_at, updated_at)
       SELECT DISTINCT ON (notification_id) message_id, ws, conv, contact, 'outbound', provider_message_id, kind, text, 'sent', notification_id, at, at
       FROM target ORDER BY notification_id
       ON CONFLICT (notification_id) WHERE notification_id IS NOT NULL
       DO UPDATE SET provider_message_id = EXCLUDED.provider_message_id, status = 'sent', updated_at = EXCLUDED.updated_at
       RETURNING notification_id`,
      [
        col((i) => i.messageId),
        col((i) => i.workspaceId),
        col((i) => i.conversationId),
        col((i) => i.contactId),
        col((i) => i.business),
        col((i) => i.provider),
        col((i) => i.providerId),
        col((i) => i.providerMessageId),
        col((i) => i.kind),
        col((i) => i.text),
        col((i) => i.notificationId),
        col((i) => i.at.toISOString()),
        col((i) => i.newConversationId),
      ],
    );
    return new Set(rows.map((r) => r.notification_id));
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

/** One accepted outbound message for `writeOutbound`. */
interface Outbound {
  messageId: string;
  workspaceId: string;
  /** Null: the conversation with (contactId, business) is opened or touched. */
  conversationId: string | null;
  contactId: string | null;
  business: string;
  provider: string;
  providerId: string | null;
  providerMessageId: string;
  kind: 'template' | 'text';
  text: string;
  notificationId: string;
  at: Date;
  newConversationId: string;
}

/** Thrown inside the transaction to roll it back: another run stored this message first. */
class AlreadyRecorded extends Error {}
