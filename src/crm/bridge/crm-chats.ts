import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { BatchLoader } from '../../platform/database/batched';
import type { CrmLine } from '../connections/crm-line.entity';
import { CrmChat } from './crm-chat.entity';
import { CrmMessage, type CrmMessageDirection, type CrmMessageStatus } from './crm-message.entity';

/** The bridge's memory: chats (wa_id ↔ contact ↔ Open Channel chat ↔ conversation) and messages carried. */
@Injectable()
export class CrmChats {
  constructor(
    @InjectRepository(CrmChat) private readonly chats: Repository<CrmChat>,
    @InjectRepository(CrmMessage) private readonly messages: Repository<CrmMessage>,
    private readonly clock: Clock,
  ) {}

  /** The chat of `waId` on `line`, created on first sight (concurrent callers get the same row). */
  async chatFor(
    line: CrmLine,
    waId: string,
    fields: Partial<Pick<CrmChat, 'contactName' | 'conversationId'>>,
  ) {
    const now = this.clock.now();
    await this.chats
      .createQueryBuilder()
      .insert()
      .values({
        id: uuidv7(),
        workspaceId: line.workspaceId,
        connectionId: line.connectionId,
        lineRowId: line.id,
        waId,
        contactName: fields.contactName ?? null,
        b24ContactId: null,
        b24ChatId: null,
        conversationId: fields.conversationId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .execute();
    const chat = await this.chats.findOneByOrFail({ lineRowId: line.id, waId });
    const changes: Partial<CrmChat> = {};
    if (fields.contactName && fields.contactName !== chat.contactName)
      changes.contactName = fields.contactName;
    if (fields.conversationId && fields.conversationId !== chat.conversationId)
      changes.conversationId = fields.conversationId;
    if (Object.keys(changes).length) {
      await this.update(chat.id, changes);
      Object.assign(chat, changes);
    }
    return chat;
  }

  findChat(lineRowId: string, waId: string): Promise<CrmChat | null> {
    return this.chats.findOneBy({ lineRowId, waId });
  }

  chatById(id: string): Promise<CrmChat | null> {
    return this.chats.findOneBy({ id });
  }

  async update(chatId: string, changes: Partial<CrmChat>): Promise<void> {
    await this.chats.update({ id: chatId }, { ...changes, updatedAt: this.clock.now() });
  }

  /** The record of one message of a chat, created `pending` the first time it is seen. */
  async message(
    chat: CrmChat,
    direction: CrmMessageDirection,
    externalId: string,
    fields: Partial<Pick<CrmMessage, 'b24ChatId' | 'notificationId'>> = {},
  ): Promise<CrmMessage> {
    const now = this.clock.now();
    await this.messages
      .createQueryBuilder()
      .insert()
      .values({
        id: uuidv7(),
        workspaceId: chat.workspaceId,
        chatId: chat.id,
        direction,
        externalId,
        status: 'pending',
        b24ChatId: fields.b24ChatId ?? null,
        notificationId: fields.notificationId ?? null,
        providerMessageId: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .execute();
    return this.messages.findOneByOrFail({ chatId: chat.id, direction, externalId });
  }

  async setMessage(
    id: string,
    changes: Partial<Pick<CrmMessage, 'status' | 'providerMessageId' | 'error'>> & {
      status?: CrmMessageStatus;
    },
  ): Promise<void> {
    await this.messages.update({ id }, { ...changes, updatedAt: this.clock.now() });
  }

  /** Asked for every message any provider accepted: concurrent sends share one query. */
  async byNotification(notificationId: string): Promise<CrmMessage | null> {
    return (await this.byNotifications.load(notificationId)) ?? null;
  }

  private readonly byNotifications = new BatchLoader<string, CrmMessage>(
    async (ids) =>
      new Map((await this.messages.findBy({ notificationId: In(ids) })).map((m) => [m.notificationId!, m])),
  );

  byProviderMessage(workspaceId: string, providerMessageId: string): Promise<CrmMessage | null> {
    return this.messages.findOneBy({ workspaceId, providerMessageId, direction: 'outbound' });
  }
}
