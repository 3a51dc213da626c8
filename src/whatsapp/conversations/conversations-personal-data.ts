import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventErasure } from '../../events/store/event-erasure';
import type { Contact } from '../../notifications/contacts/contact.entity';
import { PersonalDataRegistry } from '../../notifications/contacts/personal-data';

/** The ways a contact's phone shows up in payloads: E.164 digits, the wa_id, the old 8-digit form. */
export function phoneNeedles(c: Pick<Contact, 'phone' | 'waId'>): string[] {
  const digits = (c.phone ?? '').replace(/\D/g, '');
  const without9th = /^55\d{2}9\d{8}$/.test(digits) ? digits.slice(0, 4) + digits.slice(5) : '';
  return [digits, without9th, c.waId ?? ''].filter(Boolean);
}

/**
 * LGPD parts of the WhatsApp module and the event store: a contact's conversations and messages
 * (text and media blanked on erasure), and every event whose payload mentions the contact
 * (erased, with the deliveries that copied it).
 */
@Injectable()
export class ConversationsPersonalData implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly events: EventErasure,
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
    this.registry.register('events', {
      export: (ws, c) => this.events.mentioning(ws, this.needles(c)),
      erase: async (ws, c) =>
        this.events.erase(
          ws,
          (await this.events.mentioning(ws, this.needles(c))).map((e) => e.id),
        ),
    });
  }

  private needles(c: Contact): string[] {
    return [c.id, c.email ?? '', ...phoneNeedles(c)].filter(Boolean);
  }
}
