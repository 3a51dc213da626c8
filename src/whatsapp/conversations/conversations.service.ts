import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { notFound, ProblemException } from '../../platform/http/problem';
import { decodeCursor, encodeCursor, Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { ProviderAdapters } from '../../notifications/providers/provider-adapters';
import { ProvidersService } from '../../notifications/providers/providers.service';
import { GuardsWindow, NotificationsService } from '../../notifications/sending/notifications.service';
import {
  businessNumberOfAccount,
  isWindowOpen,
  OFFICIAL_PROVIDERS,
  windowExpiresAt,
} from './business-number';
import { Conversation } from './conversation.entity';
import {
  ConversationQuery,
  ConversationView,
  MessageView,
  ReplyAcceptedView,
  ReplyDto,
} from './conversations.dto';

/** Conversations API: read them, reply inside the rules of the 24-hour window, mark read, close. */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly contacts: ContactsService,
    private readonly providers: ProvidersService,
    private readonly adapters: ProviderAdapters,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  list(caller: Principal, query: ConversationQuery): Promise<Page<ConversationView>> {
    const qb = this.conversations
      .createQueryBuilder('c')
      .where('c.workspaceId = :ws', { ws: caller.workspaceId });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.contactId) qb.andWhere('c.contactId = :contactId', { contactId: query.contactId });
    return paginate(qb, query, (c) => this.toView(c));
  }

  async get(caller: Principal, id: string): Promise<ConversationView> {
    return this.toView(await this.find(caller.workspaceId, id));
  }

  /** Newest first; outbound messages show their notification's status. */
  async messages(caller: Principal, id: string, query: PageQuery): Promise<Page<MessageView>> {
    await this.find(caller.workspaceId, id);
    const limit = query.limit ?? 50;
    const rows: Array<Record<string, unknown> & { notificationId: string | null }> =
      await this.dataSource.query(
        `SELECT id, direction, kind, text, media, status, provider_message_id AS "providerMessageId",
              notification_id AS "notificationId", created_at AS "createdAt"
       FROM messages
       WHERE conversation_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [id, query.cursor ? decodeCursor(query.cursor).id : null, limit + 1],
      );
    // An outbound message shows its notification's status (notifications owns that table).
    const sent = await this.notifications.statusesOf(
      rows.slice(0, limit).flatMap((r) => (r.notificationId ? [r.notificationId] : [])),
    );
    const page = rows.slice(0, limit).map((r) => {
      const n = r.notificationId ? sent.get(r.notificationId) : undefined;
      return {
        ...r,
        status: n?.status ?? r.status,
        providerMessageId: r.providerMessageId ?? n?.providerMessageId ?? null,
        createdAt: (r.createdAt as Date).toISOString(),
      } as MessageView;
    });
    return {
      data: page,
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /** A reply goes out as a notification through the conversation's number. */
  async reply(caller: Principal, id: string, dto: ReplyDto): Promise<ReplyAcceptedView> {
    const c = await this.find(caller.workspaceId, id);
    if (!dto.text === !dto.template)
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'text', message: 'give exactly one of text or template' }],
      });
    const contact = await this.contacts.find(caller.workspaceId, c.contactId);
    if (!contact?.phone) throw notFound('Contact');
    const accepted = await this.notifications.sendFor(
      caller.workspaceId,
      {
        to: { contactId: contact.id, phone: contact.phone },
        channels: ['whatsapp'],
        ...(dto.text ? { content: { body: dto.text } } : { template: dto.template }),
        data: dto.data ?? {},
      },
      { conversationId: c.id, viaProviderId: c.providerId },
    );
    const messageId = uuidv7();
    const now = this.clock.now();
    await this.dataSource.query(
      `INSERT INTO messages (id, workspace_id, conversation_id, contact_id, direction, kind, text, status, notification_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'outbound', $5, $6, 'queued', $7, $8, $8)
       ON CONFLICT (notification_id) WHERE notification_id IS NOT NULL DO NOTHING`,
      [
        messageId,
        c.workspaceId,
        c.id,
        c.contactId,
        dto.text ? 'text' : 'template',
        dto.text ?? null,
        accepted.id,
        now,
      ],
    );
    return { id: messageId, notificationId: accepted.id, status: accepted.status };
  }

  /** Unread back to zero; on Meta the provider is told too (as a job: providers stay out of requests). */
  async markRead(caller: Principal, id: string): Promise<ConversationView> {
    const c = await this.find(caller.workspaceId, id);
    const now = this.clock.now();
    await this.dataSource.query(
      `UPDATE messages SET status = 'read', updated_at = $2 WHERE conversation_id = $1 AND direction = 'inbound' AND status = 'received'`,
      [c.id, now],
    );
    await this.conversations.update({ id: c.id }, { unreadCount: 0, updatedAt: now });
    if (c.providerId && c.lastInboundMessageId)
      await this.jobs.enqueue(
        'whatsapp.mark-read',
        { conversationId: c.id },
        { jobId: `read-${c.id}-${now.getTime()}` },
      );
    return this.toView({ ...c, unreadCount: 0 });
  }

  async close(caller: Principal, id: string): Promise<ConversationView> {
    const c = await this.find(caller.workspaceId, id);
    await this.conversations.update({ id: c.id }, { status: 'closed', updatedAt: this.clock.now() });
    return this.toView({ ...c, status: 'closed' });
  }

  @OnJob('whatsapp.mark-read')
  async sendReadReceipt(data: { conversationId: string }): Promise<void> {
    const c = await this.conversations.findOneBy({ id: data.conversationId });
    if (!c?.providerId || !c.lastInboundMessageId) return;
    const account = (await this.providers.routes(c.workspaceId, 'whatsapp')).find(
      (a) => a.id === c.providerId,
    );
    if (account) await this.adapters.get(account.kind).markRead(account, c.lastInboundMessageId);
  }

  /** Free text may go now: the route has no window, or the contact wrote within 24 hours. */
  @GuardsWindow()
  async windowOpenFor(workspaceId: string, phone: string, viaProviderId: string | null): Promise<boolean> {
    const accounts = await this.providers.routes(workspaceId, 'whatsapp');
    const account = (viaProviderId && accounts.find((a) => a.id === viaProviderId)) || accounts[0];
    if (!account || !OFFICIAL_PROVIDERS.has(account.kind)) return true;
    const contact = await this.contacts.findByAddress(workspaceId, { phone });
    const business = businessNumberOfAccount(account);
    if (!contact || !business) return false;
    const c = await this.conversations.findOneBy({
      workspaceId,
      contactId: contact.id,
      businessNumber: business,
    });
    return !!c && isWindowOpen(c, this.clock.nowMs());
  }

  private async find(workspaceId: string, id: string): Promise<Conversation> {
    const c = await this.conversations.findOneBy({ id, workspaceId });
    if (!c) throw notFound('Conversation');
    return c;
  }

  private toView(c: Conversation): ConversationView {
    const expires = windowExpiresAt(c.provider, c.lastInboundAt);
    return {
      id: c.id,
      contactId: c.contactId,
      businessNumber: c.businessNumber,
      provider: c.provider,
      providerId: c.providerId,
      status: c.status,
      windowExpiresAt: expires?.toISOString() ?? null,
      windowOpen: isWindowOpen(c, this.clock.nowMs()),
      lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
      lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
      unreadCount: c.unreadCount,
      createdAt: c.createdAt.toISOString(),
    };
  }
}
