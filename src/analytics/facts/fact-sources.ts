import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { OnSent, type SentMessage } from '../../notifications/sending/sent-observers';
import { OnNotificationStatus, type StatusChange } from '../../notifications/sending/status-observers';
import { Clock } from '../../platform/clock';
import { Batched } from '../../platform/database/batched';
import { OnOutcome, type Outcome } from '../../platform/outcomes/outcomes';
import { factsOfEvent } from './event-facts';
import type { Fact } from './fact';
import { FactIngest } from './fact-ingest';

interface AwaitingReply {
  conversationId: string;
  workspaceId: string;
  since: Date;
}

/**
 * Where facts come from: every event the events module processes, every message a provider
 * accepted (`@OnSent`), every later status of a notification (`@OnNotificationStatus`) and what
 * other modules finished (`@OnOutcome`: webhook rejections, deliveries, workflow executions).
 * Nothing here reads another module's tables.
 */
@Injectable()
export class FactSources {
  /** The conversations concurrent event jobs start waiting on: one INSERT for all. */
  private readonly awaiting = new Batched<AwaitingReply, void>((items) => this.startAwaiting(items));

  constructor(
    private readonly ingest: FactIngest,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @OnEvent('analytics.facts', '*')
  async onEvent(event: StoredEvent): Promise<void> {
    const conversationId = event.data.conversationId;
    if (event.type === 'whatsapp.message.received' && typeof conversationId === 'string') {
      await this.awaiting.run({ conversationId, workspaceId: event.workspaceId, since: event.occurredAt });
    }
    await this.ingest.record(factsOfEvent(event));
  }

  /** The first unanswered message of a conversation starts the first-response clock (the earliest of a batch). */
  private async startAwaiting(items: AwaitingReply[]): Promise<void[]> {
    await this.dataSource.query(
      `INSERT INTO analytics_awaiting_replies (conversation_id, workspace_id, channel, since)
       SELECT DISTINCT ON (c) c, ws, 'whatsapp', since
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS t(c, ws, since)
       ORDER BY c, since
       ON CONFLICT (conversation_id) DO NOTHING`,
      [
        items.map((i) => i.conversationId),
        items.map((i) => i.workspaceId),
        items.map((i) => new Date(i.since).toISOString()),
      ],
    );
    return items.map(() => undefined);
  }

  @OnSent()
  async onSent(sent: SentMessage): Promise<void> {
    const n = sent.notification;
    const at = this.clock.now();
    const facts: Fact[] = [
      {
        id: `n:${n.id}:sent`,
        workspaceId: n.workspaceId,
        metric: 'messages.sent',
        at,
        channel: sent.channel,
        provider: sent.account.kind,
        status: 'sent',
      },
    ];
    if (n.conversationId) {
      const [answered]: [Array<{ since: Date }>] = await this.dataSource.query(
        `DELETE FROM analytics_awaiting_replies WHERE conversation_id = $1 RETURNING since`,
        [n.conversationId],
      );
      if (answered.length)
        facts.push({
          id: `r:${n.conversationId}:${answered[0].since.getTime()}`,
          workspaceId: n.workspaceId,
          metric: 'conversations.first_response',
          at,
          channel: sent.channel,
          provider: sent.account.kind,
          durationMs: at.getTime() - answered[0].since.getTime(),
        });
    }
    await this.ingest.record(facts);
  }

  /** Delivered (time to deliver: from the request to the report), read (implies delivered), failed. */
  @OnNotificationStatus()
  async onStatus(change: StatusChange): Promise<void> {
    const n = change.notification;
    const dims = {
      workspaceId: n.workspaceId,
      at: change.at,
      channel: n.channel ?? '',
      provider: n.providerKind ?? '',
    };
    const delivered: Fact = {
      ...dims,
      id: `n:${n.id}:delivered`,
      metric: 'messages.delivered',
      status: 'delivered',
      durationMs: change.at.getTime() - n.createdAt.getTime(),
    };
    const facts: Fact[] =
      change.status === 'delivered'
        ? [delivered]
        : change.status === 'read'
          ? [delivered, { ...dims, id: `n:${n.id}:read`, metric: 'messages.read', status: 'read' }]
          : [{ ...dims, id: `n:${n.id}:failed`, metric: 'messages.failed', status: 'failed' }];
    await this.ingest.record(facts);
  }

  @OnOutcome()
  async onOutcome(o: Outcome): Promise<void> {
    const base = { workspaceId: o.workspaceId, at: o.at };
    const fact: Fact =
      o.kind === 'webhook.rejected'
        ? { ...base, id: `x:${o.id}`, metric: 'webhooks.rejected', source: o.source, status: o.status }
        : o.kind === 'workflow.execution'
          ? {
              ...base,
              id: `w:${o.id}:${o.status}`,
              metric: 'workflows.executions',
              workflow: o.workflow,
              status: o.status,
            }
          : {
              ...base,
              id: `d:${o.id}:${o.kind}`,
              metric: o.kind === 'delivery.succeeded' ? 'deliveries.succeeded' : 'deliveries.failed',
              eventType: o.eventType,
            };
    await this.ingest.record([fact]);
  }
}
