import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveriesService } from '../../deliveries/sending/deliveries.service';
import { EventErasure } from '../../events/store/event-erasure';
import { contactNeedles, PersonalDataRegistry } from '../../notifications/contacts/personal-data';

/**
 * LGPD parts of the WhatsApp module, the event store and deliveries: a contact's conversations and
 * messages (text and media blanked on erasure), every event whose payload mentions the contact
 * (erased, with the deliveries that copied it), and deliveries made without an event (workflow
 * webhooks and actions) that mention the contact.
 */
@Injectable()
export class ConversationsPersonalData implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly events: EventErasure,
    private readonly deliveries: DeliveriesService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('conversations', {
      export: async (ws, c) => {
        const conversations: Array<Record<string, unknown>> = await this.dataSource.query(
          `SELECT id, business_number AS "businessNumber", provider, status, created_at AS "createdAt"
           FROM conversations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id`,
          [ws, c.id],
        );
        const messages: Array<Record<string, unknown>> = await this.dataSource.query(
          `SELECT id, conversation_id AS "conversationId", direction, kind, text, media, status, created_at AS "createdAt"
           FROM messages WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id`,
          [ws, c.id],
        );
        return conversations.map((conv) => ({
          ...conv,
          messages: messages.filter((m) => m.conversationId === conv.id),
        }));
      },
      erase: async (ws, c) => {
        const [, count]: [unknown, number] = await this.dataSource.query(
          `UPDATE messages SET text = NULL, media = NULL WHERE workspace_id = $1 AND contact_id = $2`,
          [ws, c.id],
        );
        return count;
      },
    });
    this.registry.register('deliveries', {
      export: (ws, c) => this.deliveries.mentioning(ws, contactNeedles(c)),
      erase: (ws, c) => this.deliveries.eraseMentioning(ws, contactNeedles(c)),
    });
    this.registry.register('events', {
      export: (ws, c) => this.events.mentioning(ws, contactNeedles(c)),
      erase: async (ws, c) =>
        this.events.erase(
          ws,
          (await this.events.mentioning(ws, contactNeedles(c))).map((e) => e.id),
        ),
    });
  }
}
