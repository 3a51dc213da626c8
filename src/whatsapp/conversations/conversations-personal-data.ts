import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveriesService } from '../../deliveries/sending/deliveries.service';
import { EventErasure } from '../../events/store/event-erasure';
import type { DataSubject } from '../../platform/personal-data/personal-data';
import {
  contactNeedles,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../platform/personal-data/personal-data';

/**
 * LGPD parts of the WhatsApp module, the event store and deliveries: a contact's conversations and
 * messages (text and media blanked on erasure), every event whose payload mentions the contact
 * (erased, with the deliveries that copied it), and deliveries made without an event (workflow
 * webhooks and actions) that mention the contact.
 */
@Injectable()
export class ConversationsPersonalData {
  constructor(
    private readonly events: EventErasure,
    private readonly deliveries: DeliveriesService,
    private readonly dataSource: DataSource,
  ) {}

  @ExportsPersonalData('conversations')
  async exportConversations(ws: string, c: DataSubject): Promise<unknown> {
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
  }

  @ErasesPersonalData('conversations')
  async eraseConversations(ws: string, c: DataSubject): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE messages SET text = NULL, media = NULL WHERE workspace_id = $1 AND contact_id = $2`,
      [ws, c.id],
    );
    return count;
  }

  @ExportsPersonalData('deliveries')
  exportDeliveries(ws: string, c: DataSubject): Promise<unknown> {
    return this.deliveries.mentioning(ws, contactNeedles(c));
  }

  @ErasesPersonalData('deliveries')
  eraseDeliveries(ws: string, c: DataSubject): Promise<number> {
    return this.deliveries.eraseMentioning(ws, contactNeedles(c));
  }

  @ExportsPersonalData('events')
  exportEvents(ws: string, c: DataSubject): Promise<unknown> {
    return this.events.mentioning(ws, contactNeedles(c));
  }

  @ErasesPersonalData('events')
  async eraseEvents(ws: string, c: DataSubject): Promise<number> {
    return this.events.erase(
      ws,
      (await this.events.mentioning(ws, contactNeedles(c))).map((e) => e.id),
    );
  }
}
