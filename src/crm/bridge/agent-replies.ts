import { Injectable, Logger } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import type { MessageStatusData } from '../../events/normalisers/message-data';
import { OnEvent, type StoredEvent } from '../../events/processing/event-handlers';
import { OnSent, type SentMessage } from '../../notifications/sending/sent-observers';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import { ProblemException } from '../../platform/http/problem';
import { Bitrix24Rest, type Portal } from '../bitrix24/bitrix24-rest';
import { CrmConnections } from '../connections/crm-connections.service';
import type { CrmLine } from '../connections/crm-line.entity';
import { CrmLines } from '../connections/crm-lines.service';
import { crmConfig } from '../crm.config';
import type { CrmChat } from './crm-chat.entity';
import { CrmChats } from './crm-chats';
import type { CrmMessage } from './crm-message.entity';
import { bbCodeToWhatsApp } from './phone-forms';

/** Namespace of the notification ids of agent replies: uuid v5 of `<connection>/<Bitrix24 message id>`. */
const REPLY_NAMESPACE = '4b0f3c6e-7a52-4a0e-9d6f-2c1a8e9b5d31';

interface AgentReply {
  memberId?: string;
  line?: string;
  chatId?: string;
  userId?: string;
  messageId: string;
  text?: string;
  files?: Array<{ url?: string; downloadUrl?: string; name?: string }>;
}

/**
 * Bitrix24 → WhatsApp: an agent's reply (`crm.message.outbound`) leaves through the provider that
 * answers the line, as a notification whose id derives from Bitrix24's message id — a retried
 * event, a second process or a repeated post sends it once. Outside the 24-hour window the agent
 * is told in the chat (and offered the configured template). Then, as WhatsApp's statuses arrive,
 * `imconnector.send.status.delivery` and `.reading` tell Bitrix24.
 */
@Injectable()
export class AgentReplies {
  private readonly logger = new Logger('AgentReplies');

  constructor(
    private readonly connections: CrmConnections,
    private readonly lines: CrmLines,
    private readonly chats: CrmChats,
    private readonly rest: Bitrix24Rest,
    private readonly notifications: NotificationsService,
    @InjectConfig(crmConfig) private readonly config: ConfigOf<typeof crmConfig>,
  ) {}

  @OnEvent('crm.agentReplies', 'crm.message.outbound')
  async onReply(event: StoredEvent): Promise<void> {
    const reply = event.data as unknown as AgentReply;
    if (!reply.memberId || !reply.line || !reply.userId || !reply.messageId) return;
    const connection = await this.connections.byMember(event.workspaceId, reply.memberId);
    const line = connection && (await this.lines.find(connection.id, reply.line));
    const chat = line && (await this.chats.findChat(line.id, reply.userId));
    if (!connection || !line || !chat) {
      this.logger.warn(`agent reply ${reply.messageId}: no bridged chat for line ${reply.line}`);
      return;
    }
    const notificationId = uuidv5(`${connection.id}/${reply.messageId}`, REPLY_NAMESPACE);
    const message = await this.chats.message(chat, 'outbound', reply.messageId, {
      b24ChatId: reply.chatId ?? chat.b24ChatId,
      notificationId,
    });
    if (message.status !== 'pending') return;
    const links = (reply.files ?? []).map((f) => f.url ?? f.downloadUrl).filter(Boolean);
    const body = [bbCodeToWhatsApp(reply.text ?? ''), ...links].filter(Boolean).join('\n');
    if (!body) return;
    try {
      await this.notifications.sendFor(
        event.workspaceId,
        {
          to: { phone: `+${chat.waId}` },
          channels: ['whatsapp'],
          // Agents' text is theirs: braces are not template variables.
          content: { body: body.replace(/{/g, '&#123;') },
          category: 'transactional',
        },
        { id: notificationId, conversationId: chat.conversationId, viaProviderId: line.providerId },
      );
    } catch (err) {
      if (!(err instanceof ProblemException)) throw err;
      await this.chats.setMessage(message.id, { status: 'failed', error: err.code });
      await this.tellAgent(connection, message, this.refusal(err));
    }
  }

  /** The provider accepted one of ours: its message id is what the statuses will name. */
  @OnSent()
  async onSent(sent: SentMessage): Promise<void> {
    // An agent's reply is always sent through its line's provider: other sends are not looked up.
    if (!sent.notification.viaProviderId) return;
    const message = await this.chats.byNotification(sent.notification.id);
    if (!message || message.status !== 'pending') return;
    await this.chats.setMessage(message.id, {
      status: 'accepted',
      providerMessageId: sent.providerMessageId,
    });
  }

  @OnEvent('crm.statusReports', 'whatsapp.message.status')
  async onStatus(event: StoredEvent): Promise<void> {
    const status = event.data as unknown as MessageStatusData;
    if (!status.messageId) return;
    const message = await this.chats.byProviderMessage(event.workspaceId, status.messageId);
    if (!message || !['accepted', 'delivered'].includes(message.status)) return;
    const target = await this.targetOf(message);
    if (!target) return;
    if (status.status === 'failed') {
      await this.chats.setMessage(message.id, { status: 'failed', error: status.errorCode ?? 'failed' });
      await this.tellAgent(
        target.portal,
        message,
        `⚠ WhatsApp did not deliver this reply (${status.errorMessage ?? status.errorCode ?? 'failed'}).`,
      );
      return;
    }
    const at = Math.floor(new Date(status.timestamp ?? event.occurredAt).getTime() / 1000);
    if (message.status === 'accepted') {
      await this.report(target, message, 'imconnector.send.status.delivery', at);
      await this.chats.setMessage(message.id, { status: 'delivered' });
    }
    if (status.status === 'read') {
      await this.report(target, message, 'imconnector.send.status.reading', at);
      await this.chats.setMessage(message.id, { status: 'read' });
    }
  }

  private async report(
    target: { portal: Portal; line: CrmLine; chat: CrmChat },
    message: CrmMessage,
    method: string,
    at: number,
  ): Promise<void> {
    await this.rest.call(target.portal, method, {
      CONNECTOR: target.line.connector,
      LINE: target.line.lineId,
      MESSAGES: [
        {
          im: { chat_id: message.b24ChatId, message_id: message.externalId },
          message: { id: [message.providerMessageId], date: at },
          chat: { id: target.chat.waId },
        },
      ],
    });
  }

  private async targetOf(message: CrmMessage) {
    const chat = await this.chats.chatById(message.chatId);
    if (!chat) return undefined;
    const connection = await this.connections.find(chat.workspaceId, chat.connectionId).catch(() => null);
    if (!connection || connection.status !== 'active') return undefined;
    const line = await this.lines.byId(chat.lineRowId);
    return line ? { portal: connection, line, chat } : undefined;
  }

  private refusal(err: ProblemException): string {
    if (err.code !== 'WHATSAPP_WINDOW_CLOSED') return `⚠ Not sent on WhatsApp: ${err.message}`;
    const offer = this.config.windowTemplate
      ? ` The approved template "${this.config.windowTemplate}" can still be sent (POST /v1/conversations/:id/messages with template).`
      : '';
    return `⚠ Not sent: the customer last wrote more than 24 hours ago, so WhatsApp only takes approved templates.${offer}`;
  }

  /** A system line in the Open Channel chat, seen by the agent only. */
  private async tellAgent(portal: Portal, message: CrmMessage, text: string): Promise<void> {
    if (!message.b24ChatId) return;
    await this.rest.call(portal, 'im.message.add', {
      DIALOG_ID: `chat${message.b24ChatId}`,
      MESSAGE: text,
      SYSTEM: 'Y',
    });
  }
}
