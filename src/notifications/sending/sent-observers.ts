import { Injectable, Logger } from '@nestjs/common';
import type { Channel } from '../channels';
import type { ProviderAccount } from '../providers/provider-adapter';
import type { Notification } from './notification.entity';

/** A message a provider accepted: what other modules (conversations) record about it. */
export interface SentMessage {
  notification: Notification;
  channel: Channel;
  account: ProviderAccount;
  providerMessageId: string;
  text: string;
  template: string | null;
}

export type SentObserver = (sent: SentMessage) => Promise<void>;

/**
 * Modules that keep their own record of outbound messages (WhatsApp conversations) observe the
 * accepted sends here. An observer's failure is logged, never the send's failure.
 */
@Injectable()
export class SentObservers {
  private readonly logger = new Logger('SentObservers');
  private readonly observers: SentObserver[] = [];

  observe(observer: SentObserver): void {
    this.observers.push(observer);
  }

  async notify(sent: SentMessage): Promise<void> {
    for (const observe of this.observers) {
      await observe(sent).catch((err: Error) =>
        this.logger.warn(`recording sent message of notification ${sent.notification.id}: ${err.message}`),
      );
    }
  }
}
