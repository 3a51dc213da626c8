import { Injectable } from '@nestjs/common';
import { Principal } from '../../platform/http/principal';
import { ProviderAdapters } from '../../notifications/providers/provider-adapters';
import { ProvidersService } from '../../notifications/providers/providers.service';
import type { ProviderAccount } from '../../notifications/providers/provider-adapter';
import type { SessionControl, SessionState } from '../../notifications/providers/session-control';
import { WhatsAppProblem } from '../whatsapp.problems';
import type { ProviderSession } from './provider-session.entity';
import { SessionTracker, type SessionCause } from './session-tracker';
import type { SessionView } from './sessions.dto';

/** Start, stop, status and QR of a workspace's WAHA or Z-API provider, recorded as they go. */
@Injectable()
export class ProviderSessionsService {
  constructor(
    private readonly providers: ProvidersService,
    private readonly adapters: ProviderAdapters,
    private readonly tracker: SessionTracker,
  ) {}

  async start(caller: Principal, id: string): Promise<SessionView> {
    const { account, sessions } = await this.open(caller, id);
    return this.view(await this.track(account, 'start', () => sessions.start(account)));
  }

  /** Marked STOPPED before the call, so the provider's own webhook about it is no drop. */
  async stop(caller: Principal, id: string): Promise<SessionView> {
    const { account, sessions } = await this.open(caller, id);
    await this.tracker.record(account, { status: 'STOPPED', raw: 'stopping' }, 'stop');
    return this.view(await this.track(account, 'stop', () => sessions.stop(account)));
  }

  /** Asks the provider now (and records what it says). */
  async status(caller: Principal, id: string): Promise<SessionView> {
    const { account, sessions } = await this.open(caller, id);
    return this.view(await this.track(account, 'check', () => sessions.status(account)));
  }

  async qr(caller: Principal, id: string): Promise<Buffer> {
    const { account, sessions } = await this.open(caller, id);
    const png = await this.ask(() => sessions.qr(account));
    if (!png) {
      const row = await this.track(account, 'check', () => sessions.status(account));
      throw new WhatsAppProblem('PROVIDER_SESSION_NO_QR', `The session is ${row.status}: no QR code to scan`);
    }
    return png;
  }

  /** The kinds whose adapter has sessions (waha, zapi). */
  sessionKinds(): string[] {
    return this.adapters.kindsOf('whatsapp').filter((kind) => this.sessionsOf(kind));
  }

  sessionsOf(kind: string): SessionControl | undefined {
    return this.adapters.find(kind)?.adapter.sessions;
  }

  private async open(caller: Principal, id: string) {
    const account = await this.providers.account(caller.workspaceId, id);
    const sessions = this.sessionsOf(account.kind);
    if (!sessions)
      throw new WhatsAppProblem(
        'PROVIDER_SESSIONS_UNSUPPORTED',
        `${account.kind} providers have no WhatsApp Web session to start, stop or scan`,
      );
    return { account, sessions };
  }

  private async track(
    account: ProviderAccount,
    cause: SessionCause,
    call: () => Promise<SessionState>,
  ): Promise<ProviderSession> {
    return this.tracker.record(account, await this.ask(call), cause);
  }

  /** A provider's refusal or silence is a 502 naming what it said. */
  private async ask<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const detail = `The provider answered: ${(err as Error).message}`.slice(0, 500);
      throw new WhatsAppProblem('PROVIDER_SESSION_FAILED', detail);
    }
  }

  private view(row: ProviderSession): SessionView {
    return {
      providerId: row.providerId,
      kind: row.kind,
      status: row.status as SessionView['status'],
      rawStatus: row.rawStatus,
      me: row.me,
      changedAt: row.changedAt.toISOString(),
      checkedAt: row.checkedAt.toISOString(),
    };
  }
}
