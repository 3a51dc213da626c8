import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { Clock } from '../../platform/clock';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { Bitrix24Failure } from '../bitrix24/bitrix24-failure';
import { Bitrix24OAuth, type Grant } from '../bitrix24/bitrix24-oauth';
import { Bitrix24Rest } from '../bitrix24/bitrix24-rest';
import { CrmChat } from '../bridge/crm-chat.entity';
import { CrmMessage } from '../bridge/crm-message.entity';
import { crmConfig } from '../crm.config';
import { CrmProblem } from '../crm.problems';
import { CrmConnection } from './crm-connection.entity';
import type {
  Bitrix24CallbackQuery,
  CreateCrmConnectionDto,
  CreatedCrmConnectionView,
  CrmCheckView,
  CrmConnectionView,
  CrmLineView,
} from './crm-connections.dto';
import { CrmLine } from './crm-line.entity';
import { PortalGrants } from './portal-grants';

export const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export function toLineView(l: CrmLine): CrmLineView {
  return {
    lineId: l.lineId,
    connector: l.connector,
    providerId: l.providerId,
    businessNumber: l.businessNumber,
    createdAt: l.createdAt.toISOString(),
  };
}

export function toView(c: CrmConnection, lines: CrmLine[] = []): CrmConnectionView {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    portalUrl: c.portalUrl,
    memberId: c.memberId,
    lastError: c.lastError,
    refreshedAt: c.refreshedAt?.toISOString() ?? null,
    lines: lines.map(toLineView),
    createdAt: c.createdAt.toISOString(),
  };
}

/**
 * Bitrix24 portals: the OAuth code flow (consent URL → callback → sealed grant), listing, a live
 * check with the stored grant, and removal (with the lines and chat mappings, which are ours).
 */
@Injectable()
export class CrmConnections {
  constructor(
    @InjectRepository(CrmConnection) private readonly repo: Repository<CrmConnection>,
    @InjectRepository(CrmLine) private readonly lines: Repository<CrmLine>,
    private readonly oauth: Bitrix24OAuth,
    private readonly grants: PortalGrants,
    private readonly rest: Bitrix24Rest,
    private readonly clock: Clock,
    @InjectConfig(crmConfig) private readonly config: ConfigOf<typeof crmConfig>,
  ) {}

  async create(caller: Principal, dto: CreateCrmConnectionDto): Promise<CreatedCrmConnectionView> {
    if (!this.oauth.configured) throw new CrmProblem('CRM_NOT_CONFIGURED');
    const state = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const install = dto.mode === 'install';
    // `install` without portalUrl: the install event names the portal ('' until then).
    const portalUrl = dto.portalUrl ? new URL(dto.portalUrl).origin : '';
    const row = this.repo.create({
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      name: dto.name ?? (portalUrl ? new URL(portalUrl).hostname : 'Bitrix24'),
      status: 'pending',
      portalUrl,
      memberId: null,
      clientEndpoint: null,
      configSealed: '',
      oauthState: install ? null : hashState(state),
      installToken: install ? hashState(state) : null,
      lastError: null,
      refreshedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.repo.insert(row);
    if (install) return { ...toView(row), installUrl: `${this.config.publicUrl}/bitrix24/install/${state}` };
    return { ...toView(row), authorizationUrl: this.oauth.consentUrl(portalUrl, state) };
  }

  /** Bitrix24's redirect after the administrator consented: the code is exchanged once. */
  async callback(query: Bitrix24CallbackQuery): Promise<CrmConnectionView> {
    const row = await this.repo.findOne({ where: { oauthState: hashState(query.state) } });
    if (!row) throw new CrmProblem('CRM_OAUTH_FAILED', 'Unknown or already used state');
    if (query.error || !query.code)
      throw new CrmProblem('CRM_OAUTH_FAILED', `Bitrix24 answered ${query.error ?? 'no code'}`);
    let grant: Grant;
    try {
      grant = await this.oauth.exchangeCode(query.code);
    } catch (err) {
      throw new CrmProblem('CRM_OAUTH_FAILED', (err as Error).message);
    }
    const memberId = grant.memberId ?? query.member_id ?? null;
    const clash = memberId
      ? await this.repo.findOne({ where: { workspaceId: row.workspaceId, memberId } })
      : null;
    const now = this.clock.now();
    // The same portal authorised again (after needs_reauth): the existing connection takes the grant.
    const target = clash && clash.id !== row.id ? clash : row;
    if (target !== row) await this.repo.delete({ id: row.id });
    await this.repo.update(
      { id: target.id },
      {
        status: 'active',
        oauthState: null,
        memberId,
        clientEndpoint: grant.clientEndpoint ?? new URL('/rest/', row.portalUrl).toString(),
        configSealed: this.grants.sealed.seal(target.id, grant.tokens),
        lastError: null,
        refreshedAt: now,
        updatedAt: now,
      },
    );
    return this.get({ workspaceId: row.workspaceId }, target.id);
  }

  async list(caller: Principal, query: PageQuery): Promise<Page<CrmConnectionView>> {
    const qb = this.repo.createQueryBuilder('c').where('c.workspaceId = :ws', { ws: caller.workspaceId });
    const page = await paginate(qb, query, (c) => c);
    const lines = page.data.length
      ? await this.lines.find({
          where: { connectionId: In(page.data.map((c) => c.id)) },
          order: { lineId: 'ASC' },
        })
      : [];
    return {
      ...page,
      data: page.data.map((c) =>
        toView(
          c,
          lines.filter((l) => l.connectionId === c.id),
        ),
      ),
    };
  }

  async get(caller: Pick<Principal, 'workspaceId'>, id: string): Promise<CrmConnectionView> {
    const row = await this.find(caller.workspaceId, id);
    return toView(row, await this.lines.find({ where: { connectionId: id }, order: { lineId: 'ASC' } }));
  }

  /** One cheap call (`app.info`) with the stored grant: refreshes it when due, finds a dead one. */
  async check(caller: Principal, id: string): Promise<CrmCheckView> {
    const row = await this.find(caller.workspaceId, id);
    if (row.status !== 'active') return { ok: false, status: row.status, error: row.lastError ?? row.status };
    try {
      await this.rest.call(row, 'app.info');
      return { ok: true, status: 'active' };
    } catch (err) {
      const after = await this.find(caller.workspaceId, id);
      return {
        ok: false,
        status: after.status,
        error: err instanceof Bitrix24Failure ? err.message : 'failed',
      };
    }
  }

  async remove(caller: Principal, id: string): Promise<void> {
    await this.find(caller.workspaceId, id);
    await this.repo.manager.transaction(async (m) => {
      const chats = m.createQueryBuilder(CrmChat, 'ch').select('ch.id').where('ch.connection_id = :id');
      await m
        .createQueryBuilder()
        .delete()
        .from(CrmMessage)
        .where(`chat_id IN (${chats.getQuery()})`, { id })
        .execute();
      await m.delete(CrmChat, { connectionId: id });
      await m.delete(CrmLine, { connectionId: id });
      await m.delete(CrmConnection, { id, workspaceId: caller.workspaceId });
    });
  }

  async find(workspaceId: string, id: string): Promise<CrmConnection> {
    const row = await this.repo.findOne({ where: { id, workspaceId } });
    if (!row) throw notFound('CRM connection');
    return row;
  }

  /** The workspace's active connection to the portal `memberId` (events name their portal so). */
  byMember(workspaceId: string, memberId: string): Promise<CrmConnection | null> {
    return this.repo.findOne({ where: { workspaceId, memberId, status: 'active' } });
  }

  /** The workspace's oldest active connection, for workflow actions that name none. */
  firstActive(workspaceId: string): Promise<CrmConnection | null> {
    return this.repo.findOne({ where: { workspaceId, status: 'active' }, order: { id: 'ASC' } });
  }
}
