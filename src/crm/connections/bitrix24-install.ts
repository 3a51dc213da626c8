import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EventBus } from '../../events/bus/event-bus';
import { SourcesService } from '../../events/sources/sources.service';
import { Clock } from '../../platform/clock';
import { safeEqual } from '../../platform/crypto/constant-time';
import { notFound, ProblemException } from '../../platform/http/problem';
import { parseBitrixForm } from '../bitrix24/source/bitrix24.verifier';
import { CrmProblem } from '../crm.problems';
import { CrmConnection, type PortalTokens } from './crm-connection.entity';
import { hashState } from './crm-connections.service';
import { PortalGrants } from './portal-grants';

/** What the install handler answers: 200 to an event, a page calling BX24.installFinish() to the placement. */
export type InstallOutcome = 'installed' | 'placement' | 'uninstalled';

/** The grant an install call carries, in either of its two shapes. */
interface InstallGrant {
  tokens: PortalTokens;
  memberId: string;
  domain: string;
  clientEndpoint: string | null;
  /** The placement's PROTOCOL (1 = https, 0 = http); events give client_endpoint instead. */
  https: boolean;
}

type Form = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const record = (v: unknown): Form => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Form) : {});

/**
 * Bitrix24's own install (providers.md §5.6): ONAPPINSTALL posted to the handler URL of a
 * connection created with `mode: install`, or the install placement opened with the same grant as
 * form fields. The grant is sealed on the connection, `member_id` and `application_token` are kept
 * (ONAPPUNINSTALL must carry the same token), and the workspace's bitrix24 source, when it has no
 * token yet, is pinned to them.
 */
@Injectable()
export class Bitrix24Install {
  private readonly logger = new Logger('Bitrix24Install');

  constructor(
    @InjectRepository(CrmConnection) private readonly repo: Repository<CrmConnection>,
    private readonly grants: PortalGrants,
    private readonly sources: SourcesService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async handle(
    token: string,
    raw: Buffer | undefined,
    contentType: string | undefined,
  ): Promise<InstallOutcome> {
    const row = token.length <= 200 ? await this.repo.findOneBy({ installToken: hashState(token) }) : null;
    if (!row) throw notFound('CRM install handler');
    if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') || !raw)
      throw new ProblemException(
        'UNSUPPORTED_MEDIA_TYPE',
        'Bitrix24 posts application/x-www-form-urlencoded',
      );
    const form = parseBitrixForm(raw);
    const event = str(form.event)?.toUpperCase();
    if (event === 'ONAPPUNINSTALL') return this.uninstall(row, record(form.auth));
    if (event === 'ONAPPINSTALL') {
      const auth = record(form.auth);
      await this.install(row, this.fromEvent(auth), str(auth.application_token));
      return 'installed';
    }
    if (str(form.AUTH_ID) && str(form.REFRESH_ID)) {
      await this.install(row, this.fromPlacement(form), undefined);
      return 'placement';
    }
    throw new CrmProblem('CRM_INSTALL_INVALID', `event ${event ?? '(none)'} is not handled here`);
  }

  private fromEvent(auth: Form): InstallGrant {
    const accessToken = str(auth.access_token);
    const refreshToken = str(auth.refresh_token);
    const memberId = str(auth.member_id);
    const domain = str(auth.domain);
    if (!accessToken || !refreshToken || !memberId || !domain || !str(auth.application_token))
      throw new CrmProblem(
        'CRM_INSTALL_INVALID',
        'ONAPPINSTALL needs auth[access_token], auth[refresh_token], auth[member_id], auth[domain] and auth[application_token]',
      );
    return {
      tokens: { accessToken, refreshToken, expiresAt: this.expiresAt(auth.expires_in, auth.expires) },
      memberId,
      domain,
      clientEndpoint: str(auth.client_endpoint) ?? null,
      https: true,
    };
  }

  private fromPlacement(form: Form): InstallGrant {
    const memberId = str(form.member_id);
    const domain = str(form.DOMAIN);
    if (!memberId || !domain)
      throw new CrmProblem('CRM_INSTALL_INVALID', 'The install placement needs member_id and DOMAIN');
    return {
      tokens: {
        accessToken: str(form.AUTH_ID)!,
        refreshToken: str(form.REFRESH_ID)!,
        expiresAt: this.expiresAt(form.AUTH_EXPIRES, undefined),
      },
      memberId,
      domain,
      clientEndpoint: null,
      https: str(form.PROTOCOL) !== '0',
    };
  }

  /** `expires_in` (seconds from now) when given, else `expires` (a unix time), else an hour. */
  private expiresAt(expiresIn: unknown, expires: unknown): number {
    const seconds = Number(expiresIn);
    if (Number.isFinite(seconds) && seconds > 0) return this.clock.nowMs() + seconds * 1000;
    const at = Number(expires);
    if (Number.isFinite(at) && at > 0) return at * 1000;
    return this.clock.nowMs() + 3600_000;
  }

  private async install(
    row: CrmConnection,
    grant: InstallGrant,
    appToken: string | undefined,
  ): Promise<void> {
    const previous = row.configSealed ? this.grants.sealed.open(row) : undefined;
    // An installed connection is bound to its portal and, once known, to its application token.
    if (row.memberId && row.status !== 'uninstalled' && !safeEqual(row.memberId, grant.memberId))
      throw new CrmProblem('CRM_INSTALL_FORBIDDEN');
    if (previous?.applicationToken && appToken && !safeEqual(previous.applicationToken, appToken))
      throw new CrmProblem('CRM_INSTALL_FORBIDDEN');
    const clash = await this.repo.findOneBy({ workspaceId: row.workspaceId, memberId: grant.memberId });
    if (clash && clash.id !== row.id) throw new CrmProblem('CRM_PORTAL_TAKEN');
    const portalUrl = grant.clientEndpoint
      ? new URL(grant.clientEndpoint).origin
      : `${grant.https ? 'https' : 'http'}://${grant.domain}`;
    const applicationToken = appToken ?? previous?.applicationToken;
    const now = this.clock.now();
    await this.repo.update(
      { id: row.id },
      {
        status: 'active',
        memberId: grant.memberId,
        portalUrl: row.portalUrl || portalUrl,
        clientEndpoint: grant.clientEndpoint ?? new URL('/rest/', row.portalUrl || portalUrl).toString(),
        configSealed: this.grants.sealed.seal(row.id, { ...grant.tokens, applicationToken }),
        lastError: null,
        refreshedAt: now,
        updatedAt: now,
      },
    );
    if (applicationToken) await this.pinSource(row.workspaceId, applicationToken, grant.memberId);
  }

  /**
   * The workspace's bitrix24 source learns the install's token and portal, unless it already has
   * a token (one set by hand wins): its events are then checked against this install.
   */
  private async pinSource(workspaceId: string, applicationToken: string, memberId: string): Promise<void> {
    const url = await this.sources.callbackUrl(workspaceId, 'bitrix24');
    const source = url ? await this.sources.resolve(url.slice(url.lastIndexOf('/') + 1)) : null;
    if (!source || str(source.config.applicationToken)) return;
    await this.sources.learnConfig(source, { applicationToken, memberId });
    this.logger.log(`bitrix24 source ${source.id} pinned to portal ${memberId}`);
  }

  /** ONAPPUNINSTALL carries no OAuth tokens: its application_token is the only check (§5.6). */
  private async uninstall(row: CrmConnection, auth: Form): Promise<InstallOutcome> {
    const stored = row.configSealed ? this.grants.sealed.open(row).applicationToken : undefined;
    const token = str(auth.application_token);
    const member = str(auth.member_id);
    if (!stored || !token || !safeEqual(stored, token) || !member || member !== row.memberId)
      throw new CrmProblem('CRM_INSTALL_FORBIDDEN');
    const now = this.clock.now();
    await this.repo.update(
      { id: row.id },
      { status: 'uninstalled', configSealed: '', lastError: 'uninstalled in Bitrix24', updatedAt: now },
    );
    await this.bus.emit(
      row.workspaceId,
      'crm.connection.uninstalled',
      { connectionId: row.id, name: row.name, portalUrl: row.portalUrl, memberId: row.memberId },
      { dedupeKey: `crm-uninstalled-${row.id}-${now.getTime()}` },
    );
    return 'uninstalled';
  }
}
