import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus, type PendingEvents } from '../../events/bus/event-bus';
import { Clock } from '../../platform/clock';
import type { ProviderAccount } from '../../notifications/providers/provider-adapter';
import type { SessionState } from '../../notifications/providers/session-control';
import { ProviderSession } from './provider-session.entity';

/** What told us the state: a status read, the provider's webhook, or our own start/stop call. */
export type SessionCause = 'check' | 'webhook' | 'start' | 'stop';

/**
 * Keeps each session's last known state and raises `provider.session.disconnected` when it leaves
 * WORKING (not by our stop) and `provider.session.connected` when it reaches WORKING from a known
 * other state: once per change, under the row's lock, whatever reports it and how often.
 */
@Injectable()
export class SessionTracker {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async record(account: ProviderAccount, state: SessionState, cause: SessionCause): Promise<ProviderSession> {
    let pending: PendingEvents = { rows: [] };
    const row = await this.dataSource.transaction(async (tx) => {
      const now = this.clock.now();
      const current = await this.lock(tx, account, state, now);
      if (!current) return this.find(tx, account.id!);
      const changed = current.status !== state.status;
      const patch: Partial<ProviderSession> = { rawStatus: state.raw, checkedAt: now };
      if (state.me !== undefined) patch.me = state.me;
      if (changed) {
        patch.status = state.status;
        patch.changedAt = now;
        const dropped = current.status === 'WORKING' && cause !== 'stop';
        const connected = state.status === 'WORKING';
        if (dropped) patch.drops = current.drops + 1;
        if (connected) patch.connects = current.connects + 1;
        const data = {
          providerId: account.id,
          kind: account.kind,
          status: state.status,
          previousStatus: current.status,
          rawStatus: state.raw,
          reportedBy: cause,
        };
        if (dropped)
          pending = await this.bus.emitIn(tx, account.workspaceId, 'provider.session.disconnected', data, {
            dedupeKey: `session-disconnected:${account.id}:${patch.drops}`,
          });
        if (connected)
          pending = await this.bus.emitIn(tx, account.workspaceId, 'provider.session.connected', data, {
            dedupeKey: `session-connected:${account.id}:${patch.connects}`,
          });
      }
      await tx.update(ProviderSession, { providerId: account.id }, patch);
      return this.find(tx, account.id!);
    });
    if (pending.rows.length) await this.bus.publish(pending);
    return row;
  }

  find(manager: EntityManager, providerId: string): Promise<ProviderSession> {
    return manager.findOneByOrFail(ProviderSession, { providerId });
  }

  /** The locked row; undefined when this call created it (a first sighting changes nothing). */
  private async lock(
    tx: EntityManager,
    account: ProviderAccount,
    state: SessionState,
    now: Date,
  ): Promise<ProviderSession | undefined> {
    const locked = () =>
      tx
        .createQueryBuilder(ProviderSession, 's')
        .setLock('pessimistic_write')
        .where('s.providerId = :id', { id: account.id })
        .getOne();
    const found = await locked();
    if (found) return found;
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(ProviderSession)
      .values({
        providerId: account.id!,
        workspaceId: account.workspaceId,
        kind: account.kind,
        status: state.status,
        rawStatus: state.raw,
        me: state.me ?? null,
        changedAt: now,
        checkedAt: now,
      })
      .orIgnore()
      .returning('provider_id')
      .execute();
    if (inserted.raw.length) return undefined;
    return (await locked()) ?? undefined;
  }
}
