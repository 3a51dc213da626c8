import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import type { Notification } from './notification.entity';

/** A notification reached a later status: its provider reported it delivered or read, or it failed for good. */
export interface StatusChange {
  notification: Notification;
  status: 'delivered' | 'read' | 'failed';
  at: Date;
}

export type StatusObserver = (change: StatusChange) => Promise<void>;

export const STATUS_OBSERVER = definePluginPoint<StatusObserver>({ title: 'notification status observer' });

/** `@OnNotificationStatus()` on a method `(change) => Promise<void>`: called once a status moved forward. */
export const OnNotificationStatus = () => declare(STATUS_OBSERVER);

/**
 * Modules that count outcomes (analytics) observe the statuses the ledger moved. An observer's
 * failure is logged, never the status change's.
 */
@Injectable()
export class StatusObservers implements OnModuleInit {
  private readonly logger = new Logger('StatusObservers');
  private observers: StatusObserver[] = [];

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    this.observers = this.plugins.get(STATUS_OBSERVER).map((d) => d.handler);
  }

  async notify(change: StatusChange): Promise<void> {
    for (const observe of this.observers) {
      await observe(change).catch((err: Error) =>
        this.logger.warn(
          `observing ${change.status} of notification ${change.notification.id}: ${err.message}`,
        ),
      );
    }
  }
}
