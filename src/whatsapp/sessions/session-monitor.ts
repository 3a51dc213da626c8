import { Injectable, Logger } from '@nestjs/common';
import { OnEvent, type StoredEvent } from '../../events/processing/event-handlers';
import { ProvidersService } from '../../notifications/providers/providers.service';
import { SESSION_STATUSES, type SessionStatus } from '../../notifications/providers/session-control';
import { OnJob } from '../../platform/queue/on-job.decorator';
import '../whatsapp.queue';
import { ProviderSessionsService } from './provider-sessions.service';
import { SessionTracker } from './session-tracker';

/** Providers asked at once by a check. */
const CHECK_CONCURRENCY = 8;

/**
 * Watches every WAHA and Z-API session: the scheduled check asks each enabled provider its status,
 * the providers' status webhooks report changes as they happen; the tracker tells each drop once.
 */
@Injectable()
export class SessionMonitor {
  private readonly logger = new Logger('SessionMonitor');

  constructor(
    private readonly providers: ProvidersService,
    private readonly sessions: ProviderSessionsService,
    private readonly tracker: SessionTracker,
  ) {}

  /** Answers how many sessions it could read. An unreachable provider is no drop: it is skipped. */
  @OnJob('whatsapp.session-check')
  async checkAll(): Promise<number> {
    const accounts = await this.providers.accountsOfKinds(this.sessions.sessionKinds());
    let read = 0;
    for (let i = 0; i < accounts.length; i += CHECK_CONCURRENCY) {
      const batch = accounts.slice(i, i + CHECK_CONCURRENCY);
      await Promise.all(
        batch.map(async (account) => {
          try {
            const state = await this.sessions.sessionsOf(account.kind)!.status(account);
            await this.tracker.record(account, state, 'check');
            read++;
          } catch (err) {
            this.logger.warn(`session of provider ${account.id} not read: ${(err as Error).message}`);
          }
        }),
      );
    }
    return read;
  }

  /** WAHA `session.status`, Z-API Connected/DisconnectedCallback, for the workspace's matching providers. */
  @OnEvent('whatsapp.sessionStatus', 'whatsapp.session.status')
  async onStatus(event: StoredEvent): Promise<void> {
    const data = event.data as {
      provider?: string;
      session?: string | null;
      status?: string;
      rawStatus?: string;
    };
    const status = data.status as SessionStatus;
    const control = data.provider ? this.sessions.sessionsOf(data.provider) : undefined;
    if (!control || !SESSION_STATUSES.includes(status)) return;
    const accounts = await this.providers.accountsOfKinds([data.provider!], event.workspaceId);
    for (const account of accounts) {
      if (data.session && control.webhookKey(account) !== data.session) continue;
      await this.tracker.record(account, { status, raw: data.rawStatus ?? status }, 'webhook');
    }
  }
}
