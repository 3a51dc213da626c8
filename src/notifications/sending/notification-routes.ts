import { Injectable } from '@nestjs/common';
import { SourcesService } from '../../events/sources/sources.service';
import type { Channel } from '../channels';
import type { ProviderAccount } from '../providers/provider-adapter';
import { ProviderAdapters } from '../providers/provider-adapters';
import { ProviderBreakers } from '../providers/provider-breakers';
import { ProvidersService } from '../providers/providers.service';
import type { Notification } from './notification.entity';

export interface Route {
  channel: Channel;
  account: ProviderAccount;
  /** `whatsapp:<providerId>` (or `whatsapp:sandbox`): what a permanent failure skips. */
  key: string;
}

export const channelKey = (channel: Channel): string => `${channel}:*`;

/** One provider of a channel (`sandbox` for the implicit one): what a permanent failure skips. */
export const routeKey = (channel: Channel, providerId: string | null): string =>
  `${channel}:${providerId ?? 'sandbox'}`;

/** The address a channel needs, if the notification has it. */
export function addressFor(n: Pick<Notification, 'toPhone' | 'toEmail'>, channel: Channel): string | null {
  return channel === 'email' ? n.toEmail : n.toPhone;
}

/**
 * The fallback order: each channel of the notification in turn, and in each channel its enabled
 * providers by priority (the sandbox when it has none), minus the routes already given up on.
 */
@Injectable()
export class NotificationRoutes {
  constructor(
    private readonly providers: ProvidersService,
    private readonly sources: SourcesService,
    private readonly breakers: ProviderBreakers,
    private readonly adapters: ProviderAdapters,
  ) {}

  /**
   * The first route not given up on whose circuit is not open; when every one left is open, the
   * first of those (its call fails at once and the policy moves on).
   */
  async next(
    n: Pick<
      Notification,
      'workspaceId' | 'channels' | 'skippedRoutes' | 'toPhone' | 'toEmail' | 'viaProviderId'
    >,
  ): Promise<Route | undefined> {
    const skipped = new Set(n.skippedRoutes);
    let firstOpen: Route | undefined;
    for (const channel of n.channels) {
      if (skipped.has(channelKey(channel)) || !addressFor(n, channel)) continue;
      const all = await this.providers.routes(n.workspaceId, channel);
      // a reply in a conversation goes out through the conversation's own number
      const pinned =
        channel === 'whatsapp' && n.viaProviderId ? all.filter((a) => a.id === n.viaProviderId) : [];
      const accounts = pinned.length ? pinned : all;
      const candidates = accounts.length ? accounts : [sandboxAccount(n.workspaceId)];
      for (const account of candidates) {
        const key = routeKey(channel, account.id);
        if (skipped.has(key)) continue;
        if (!this.breakers.isOpen(account.id)) return { channel, account, key };
        firstOpen ??= { channel, account, key };
      }
    }
    return firstOpen;
  }

  /**
   * For kinds that take the status callback URL per message (Twilio): the webhook URL of the
   * workspace's source of the kind it names, if any.
   */
  callbackUrl(workspaceId: string, kind: string): Promise<string | undefined> {
    const source = this.adapters.find(kind)?.options.statusSourceKind;
    return source ? this.sources.callbackUrl(workspaceId, source) : Promise.resolve(undefined);
  }
}

export function sandboxAccount(workspaceId: string): ProviderAccount {
  return { id: null, workspaceId, kind: 'sandbox', config: {}, version: 'sandbox', rateLimitPerSecond: null };
}
