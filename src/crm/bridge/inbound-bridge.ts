import { Injectable } from '@nestjs/common';
import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import { OnEvent, type StoredEvent } from '../../events/processing/event-handlers';
import { businessNumberOf } from '../../whatsapp/conversations/business-number';
import { Bitrix24Rest } from '../bitrix24/bitrix24-rest';
import { CrmConnections } from '../connections/crm-connections.service';
import type { CrmLine } from '../connections/crm-line.entity';
import { CrmLines } from '../connections/crm-lines.service';
import { Bitrix24Contacts } from './bitrix24-contacts';
import { CrmChats } from './crm-chats';

type Inbound = WhatsAppMessageData & { contactId?: string; conversationId?: string };

interface SendMessagesAnswer {
  DATA?: { RESULT?: Array<{ session?: { CHAT_ID?: string | number } }> };
}

/** What Bitrix24 shows for a message with no text: its kind, and a caption or location when any. */
function textOf(data: Inbound): string {
  if (data.text) return data.text;
  if (data.location)
    return `📍 ${data.location.name ?? ''} https://maps.google.com/?q=${data.location.latitude},${data.location.longitude}`.trim();
  return `[${data.kind}]`;
}

/**
 * WhatsApp → Bitrix24: a message reaching a bridged business number (from any provider) goes to
 * the Open Channel line that number answers, from a Bitrix24 contact found (by both forms of the
 * phone) or created once, with `imconnector.send.messages`. Each message is carried once: a retry
 * of this subscriber skips what was already sent.
 */
@Injectable()
export class InboundBridge {
  constructor(
    private readonly lines: CrmLines,
    private readonly connections: CrmConnections,
    private readonly chats: CrmChats,
    private readonly contacts: Bitrix24Contacts,
    private readonly rest: Bitrix24Rest,
  ) {}

  @OnEvent('crm.bridgeInbound', 'whatsapp.message.received')
  async onMessage(event: StoredEvent): Promise<void> {
    const data = event.data as unknown as Inbound;
    const business = businessNumberOf(data);
    if (!data.from || data.isGroup || !business) return;
    for (const line of await this.lines.forNumber(event.workspaceId, business))
      await this.carry(line, data, event);
  }

  private async carry(line: CrmLine, data: Inbound, event: StoredEvent): Promise<void> {
    const connection = await this.connections.find(line.workspaceId, line.connectionId);
    if (connection.status !== 'active') return;
    const waId = data.from!;
    const chat = await this.chats.chatFor(line, waId, {
      contactName: data.contactName,
      conversationId: data.conversationId ?? null,
    });
    const message = await this.chats.message(chat, 'inbound', data.messageId);
    if (message.status === 'sent') return;
    if (!chat.b24ContactId) {
      chat.b24ContactId = await this.contacts.findOrCreate(connection, waId, data.contactName);
      await this.chats.update(chat.id, { b24ContactId: chat.b24ContactId });
    }
    const name = data.contactName ?? chat.contactName ?? `+${waId}`;
    const [first, ...last] = name.split(/\s+/);
    const url = data.media?.url;
    const answer = await this.rest.call<SendMessagesAnswer>(connection, 'imconnector.send.messages', {
      CONNECTOR: line.connector,
      LINE: line.lineId,
      MESSAGES: [
        {
          user: {
            id: waId,
            name: first,
            last_name: last.join(' ') || undefined,
            phone: `+${waId}`,
            skip_phone_validate: 'Y',
          },
          message: {
            id: data.messageId,
            date: Math.floor(new Date(data.timestamp ?? event.occurredAt).getTime() / 1000),
            text: textOf(data),
            ...(url ? { files: [{ url, name: data.media?.filename }] } : {}),
          },
          chat: { id: waId, name: `WhatsApp ${name}`, url: `https://wa.me/${waId}` },
        },
      ],
    });
    const chatId = answer?.DATA?.RESULT?.[0]?.session?.CHAT_ID;
    if (chatId !== undefined && String(chatId) !== chat.b24ChatId)
      await this.chats.update(chat.id, { b24ChatId: String(chatId) });
    await this.chats.setMessage(message.id, { status: 'sent' });
  }
}
