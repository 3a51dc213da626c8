import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { TtlCache } from '../../platform/cache/ttl-cache';
import { Clock } from '../../platform/clock';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Principal } from '../../platform/http/principal';
import { hasScope } from '../auth/scopes';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Workspace } from './workspace.entity';
import {
  CreatedWorkspaceView,
  CreateWorkspaceDto,
  UpdateWorkspaceDto,
  WorkspaceView,
} from './workspaces.dto';

const toView = (w: Workspace): WorkspaceView => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  businessName: w.businessName,
  timeZone: w.timeZone,
  locale: w.locale,
  address: w.address,
  createdAt: w.createdAt.toISOString(),
});

/** What messages and workflows know of a workspace (`workspace` in workflow expressions). */
export interface WorkspaceProfile {
  id: string;
  name: string;
  /** The business name, else the display name: what messages sign with. */
  businessName: string;
  timeZone: string;
  locale: string;
  address: string | null;
}

/** Another instance's rename reaches this one's messages within this time. */
const PROFILE_TTL_MS = 30_000;

export const slugify = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50) || 'workspace';

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectRepository(Workspace) private readonly workspaces: Repository<Workspace>,
    private readonly apiKeys: ApiKeysService,
    clock: Clock,
  ) {
    this.profiles = new TtlCache(clock, { ttlMs: PROFILE_TTL_MS, max: 10_000 });
  }

  // Read for every message; a change is rare, so a short-lived copy spares the query. The promise
  // is what is kept, so that the 1,000 sends of a bulk on a cold cache share one query.
  private readonly profiles: TtlCache<string, Promise<WorkspaceProfile>>;

  /** The business details of a workspace, for templates and workflows. */
  profileOf(id: string): Promise<WorkspaceProfile> {
    const cached = this.profiles.get(id);
    if (cached) return cached;
    const profile = this.workspaces.findOneBy({ id }).then((w) => ({
      id,
      name: w?.name ?? '',
      businessName: w?.businessName ?? w?.name ?? '',
      timeZone: w?.timeZone ?? 'America/Sao_Paulo',
      locale: w?.locale ?? 'pt-BR',
      address: w?.address ?? null,
    }));
    this.profiles.set(id, profile);
    // A failed read is not kept: the next message asks again.
    profile.catch(() => {
      if (this.profiles.get(id) === profile) this.profiles.delete(id);
    });
    return profile;
  }

  /**
   * The platform's own workspace: the first one created (bootstrap's `default`, which holds the
   * first platform:admin key). Platform work nobody asked for (a scheduled backup) reports there.
   */
  async platformWorkspaceId(): Promise<string> {
    const [first] = await this.workspaces.find({ select: { id: true }, order: { id: 'ASC' }, take: 1 });
    if (!first) throw new Error('No workspace yet (the bootstrap creates the first at start)');
    return first.id;
  }

  /** The caller's own workspace. */
  async current(caller: Principal): Promise<WorkspaceView> {
    return toView(await this.workspaces.findOneByOrFail({ id: caller.workspaceId }));
  }

  /**
   * Renames a workspace or sets its business details. A platform admin may change any workspace;
   * a workspace admin only its own (another's answers 404, as every foreign id does).
   */
  async update(caller: Principal, id: string, dto: UpdateWorkspaceDto): Promise<WorkspaceView> {
    if (id !== caller.workspaceId && !hasScope(caller.scopes, 'platform:admin')) throw notFound('Workspace');
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    if (Object.keys(changes).length > 0) {
      const result = await this.workspaces.update({ id }, changes);
      if (!result.affected) throw notFound('Workspace');
    }
    this.profiles.delete(id);
    const workspace = await this.workspaces.findOneBy({ id });
    if (!workspace) throw notFound('Workspace');
    return toView(workspace);
  }

  /** A workspace and its first admin key, in one transaction. */
  async create(dto: CreateWorkspaceDto): Promise<CreatedWorkspaceView> {
    return this.workspaces.manager.transaction(async (tx) => {
      const workspace = await this.insert(tx, dto.name, dto.slug ?? slugify(dto.name));
      const adminKey = await this.apiKeys.issue(tx, workspace.id, { name: 'Admin', scopes: ['admin'] });
      return { ...toView(workspace), adminKey };
    });
  }

  async insert(manager: EntityManager, name: string, slug: string): Promise<Workspace> {
    const id = uuidv7();
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Workspace)
      .values({ id, name, slug })
      .orIgnore()
      .returning('id')
      .execute();
    if (result.raw.length === 0) throw new ProblemException('CONFLICT', `The slug "${slug}" is taken`);
    return manager.findOneByOrFail(Workspace, { id });
  }

  list(query: PageQuery): Promise<Page<WorkspaceView>> {
    return paginate(this.workspaces.createQueryBuilder('w'), query, toView);
  }
}
