import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../../platform/clock';
import { Page, paginate } from '../../../platform/http/pagination';
import {
  CheckResult,
  FailureKind,
  OutgoingMessage,
  ProviderAccount,
  ProviderAdapter,
  SendReceipt,
} from '../provider-adapter';
import { SandboxMessage } from './sandbox-message.entity';
import type { SandboxMessageView, SandboxQuery } from './sandbox.dto';
import { ProviderKindPlugin } from '../provider-kind';

/**
 * Every channel works with no credentials: the message is recorded (GET /v1/sandbox/messages)
 * and reported `sent`, then `delivered`.
 */
@Injectable()
@ProviderKindPlugin('sandbox', { channels: ['whatsapp', 'sms', 'email'], config: {} })
export class SandboxAdapter extends ProviderAdapter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  async send(account: ProviderAccount, message: OutgoingMessage): Promise<SendReceipt> {
    const id = uuidv7();
    await this.dataSource.query(
      `INSERT INTO sandbox_messages (id, workspace_id, notification_id, channel, "to", subject, text, html, message, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        account.workspaceId,
        message.notificationId,
        message.channel,
        message.to,
        message.content.subject,
        message.content.text,
        message.content.html,
        JSON.stringify(message),
        this.clock.now(),
      ],
    );
    return { providerMessageId: `sandbox-${id}`, delivered: true };
  }

  /** What it recorded for a workspace, newest first. */
  list(workspaceId: string, query: SandboxQuery): Promise<Page<SandboxMessageView>> {
    const qb = this.dataSource
      .getRepository(SandboxMessage)
      .createQueryBuilder('m')
      .where('m.workspaceId = :ws', { ws: workspaceId });
    if (query.channel) qb.andWhere('m.channel = :channel', { channel: query.channel });
    if (query.to) qb.andWhere('m.to = :to', { to: query.to });
    return paginate(qb, query, (m) => ({
      id: m.id,
      notificationId: m.notificationId,
      channel: m.channel,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      message: m.message,
      createdAt: m.createdAt.toISOString(),
    }));
  }

  check(): Promise<CheckResult> {
    return Promise.resolve({ ok: true, detail: 'the sandbox records messages and sends nothing' });
  }

  classify(): FailureKind {
    return 'permanent';
  }
}
