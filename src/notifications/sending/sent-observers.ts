import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
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
  /** The recipient's contact as the sender found it just before the call (first calls only). */
  contactId?: string;
}

export type SentObserver = (sent: SentMessage) => Promise<void>;

export const SENT_OBSERVER = definePluginPoint<SentObserver>({ title: 'sent observer' });

/** `@OnSent()` on a method `(sent) => Promise<void>`: called for every message a provider accepted. */
export const OnSent = () => declare(SENT_OBSERVER);

/**
 * Modules that keep their own record of outbound messages (WhatsApp conversations) observe the
 * accepted sends with `@OnSent()`. An observer's failure is logged, never the send's failure.
 */
@Injectable()
export class SentObservers implements OnModuleInit {
  private readonly logger = new Logger('SentObservers');
  private observers: SentObserver[] = [];

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    this.observers = this.plugins.get(SENT_OBSERVER).map((d) => d.handler);
  }

  async notify(sent: SentMessage): Promise<void> {
    for (const observe of this.observers) {
      await observe(sent).catch((err: Error) =>
        this.logger.warn(`recording sent message of notification ${sent.notification.id}: ${err.message}`),
      );
    }
  }
}
