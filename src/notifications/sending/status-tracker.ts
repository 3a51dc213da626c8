import { Injectable } from '@nestjs/common';
import type { MessageStatusData } from '../../events/normalisers/message-data';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { Clock } from '../../platform/clock';
import { SendFailure } from '../providers/provider-adapter';
import { ProviderAdapters } from '../providers/provider-adapters';
import { NotificationLedger } from './notification-ledger';
import { routeKey } from './notification-routes';
import { NotificationSender } from './notification-sender';

/**
 * A status callback can beat the provider's answer to our send call (Meta is quick): for this long
 * an unknown message id fails the event so that it is retried, rather than dropping the status.
 */
const RACE_WINDOW_MS = 60_000;

/**
 * Provider status callbacks (arriving as `*.message.status` events) move the attempt they belong
 * to, only forward; a late `failed` on the current attempt runs the delivery policy again.
 */
@Injectable()
export class StatusTracker {
  constructor(
    private readonly ledger: NotificationLedger,
    private readonly sender: NotificationSender,
    private readonly adapters: ProviderAdapters,
    private readonly clock: Clock,
  ) {}

  @OnEvent('notifications.whatsapp-status', 'whatsapp.message.status')
  @OnEvent('notifications.sms-status', 'sms.message.status')
  async track(event: StoredEvent): Promise<void> {
    const data = event.data as unknown as MessageStatusData;
    if (!data.messageId) return;
    const attempt = await this.ledger.attemptByProviderId(event.workspaceId, data.messageId);
    if (!attempt) {
      if (this.clock.nowMs() - new Date(event.receivedAt).getTime() < RACE_WINDOW_MS)
        throw new Error(`no notification attempt (yet) for provider message ${data.messageId}`);
      return;
    }
    const error = [data.errorMessage, data.errorDetails].filter(Boolean).join(': ') || undefined;
    const n = await this.ledger.applyStatus(attempt.id, data.status, { errorCode: data.errorCode, error });
    if (!n || data.status !== 'failed') return;
    const code = data.errorCode ?? 'failed';
    await this.sender.afterFailure(n, {
      attemptId: attempt.id,
      channel: attempt.channel,
      routeKey: routeKey(attempt.channel, attempt.providerId),
      providerKind: attempt.providerKind,
      failure: new SendFailure(
        this.adapters.get(attempt.providerKind).classify(data.errorCode),
        code,
        error ?? 'the provider reported the message failed',
      ),
    });
  }
}
