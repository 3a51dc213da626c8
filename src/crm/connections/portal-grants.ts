import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBus } from '../../events/bus/event-bus';
import { Clock } from '../../platform/clock';
import { SecretBox } from '../../platform/crypto/secret-box';
import { SealedConfig } from '../../platform/sealed-config/sealed-config';
import { Bitrix24Failure } from '../bitrix24/bitrix24-failure';
import { Bitrix24OAuth, type Grant } from '../bitrix24/bitrix24-oauth';
import { CrmConnection, type PortalTokens } from './crm-connection.entity';

/** A token with less than this left is refreshed before use (issue 19: "less than 5 minutes"). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** What a REST call needs: where to send it and the token to send. */
export interface PortalAccess {
  endpoint: string;
  accessToken: string;
}

/**
 * The sealed OAuth grant of each portal. A refresh token works once, so two processes refreshing
 * at once would leave one of them with a dead token and the portal `needs_reauth`: every refresh
 * happens holding the connection row (`SELECT … FOR UPDATE`), and re-reads it under the lock — if
 * another process refreshed meanwhile, its token is used instead of refreshing again.
 */
@Injectable()
export class PortalGrants {
  private readonly logger = new Logger('PortalGrants');
  readonly sealed: SealedConfig<PortalTokens>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly oauth: Bitrix24OAuth,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    box: SecretBox,
  ) {
    // The AAD format must never change once rows exist.
    this.sealed = new SealedConfig<PortalTokens>(box, (id) => `crm-connection:${id}`);
  }

  /** A token good for at least the margin (refreshed first when it is not). */
  async access(connectionId: string): Promise<PortalAccess> {
    const row = await this.load(connectionId);
    const tokens = this.sealed.open(row);
    if (tokens.expiresAt - this.clock.nowMs() > REFRESH_MARGIN_MS)
      return { endpoint: row.clientEndpoint!, accessToken: tokens.accessToken };
    return this.refresh(connectionId, tokens.accessToken);
  }

  /**
   * A fresh token in place of `staleToken` (expired, or about to): refreshed once whatever the
   * number of processes asking; a refused refresh token turns the connection `needs_reauth`.
   */
  async refresh(connectionId: string, staleToken: string): Promise<PortalAccess> {
    let reauth: { row: CrmConnection; reason: string } | undefined;
    const access = await this.dataSource.transaction(async (m) => {
      const [locked] = await m
        .getRepository(CrmConnection)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :id', { id: connectionId })
        .getMany();
      const row = this.usable(locked, connectionId);
      const tokens = this.sealed.open(row);
      // Someone refreshed while this process waited for the lock: theirs is the token now.
      if (tokens.accessToken !== staleToken && tokens.expiresAt - this.clock.nowMs() > REFRESH_MARGIN_MS)
        return { endpoint: row.clientEndpoint!, accessToken: tokens.accessToken };
      let grant: Grant;
      try {
        grant = await this.oauth.refresh(tokens.refreshToken);
      } catch (err) {
        if (err instanceof Bitrix24Failure && err.reauth) {
          const now = this.clock.now();
          await m.update(
            CrmConnection,
            { id: row.id },
            { status: 'needs_reauth', lastError: err.message, updatedAt: now },
          );
          reauth = { row, reason: err.message };
          return undefined;
        }
        throw err;
      }
      const now = this.clock.now();
      await m.update(
        CrmConnection,
        { id: row.id },
        {
          // The install's application_token outlives every refresh.
          configSealed: this.sealed.seal(row.id, {
            ...grant.tokens,
            applicationToken: tokens.applicationToken,
          }),
          clientEndpoint: grant.clientEndpoint ?? row.clientEndpoint,
          refreshedAt: now,
          lastError: null,
          updatedAt: now,
        },
      );
      return { endpoint: grant.clientEndpoint ?? row.clientEndpoint!, accessToken: grant.tokens.accessToken };
    });
    if (access) return access;
    await this.announceReauth(reauth!.row, reauth!.reason);
    throw new Bitrix24Failure('invalid_grant', `Connection ${connectionId} needs to be authorised again`);
  }

  /** `crm.connection.needs_reauth`: an alert for a person (workflows and endpoints can forward it). */
  async announceReauth(row: CrmConnection, reason: string): Promise<void> {
    this.logger.warn(`Bitrix24 connection ${row.id} needs re-authorisation: ${reason}`);
    await this.bus.emit(
      row.workspaceId,
      'crm.connection.needs_reauth',
      { connectionId: row.id, name: row.name, portalUrl: row.portalUrl, reason },
      { dedupeKey: `crm-reauth-${row.id}-${row.updatedAt.getTime()}` },
    );
  }

  private async load(connectionId: string): Promise<CrmConnection> {
    const row = await this.dataSource.getRepository(CrmConnection).findOneBy({ id: connectionId });
    return this.usable(row, connectionId);
  }

  private usable(row: CrmConnection | null | undefined, id: string): CrmConnection {
    if (!row) throw new Bitrix24Failure('NOT_CONNECTED', `Connection ${id} is gone`);
    if (row.status !== 'active' || !row.configSealed || !row.clientEndpoint)
      throw new Bitrix24Failure('NOT_CONNECTED', `Connection ${id} is ${row.status}`);
    return row;
  }
}
