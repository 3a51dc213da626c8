import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { LruCache } from '../../platform/cache/lru';
import { ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Workspace } from './workspace.entity';
import { CreatedWorkspaceView, CreateWorkspaceDto, WorkspaceView } from './workspaces.dto';

const toView = (w: Workspace): WorkspaceView => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  createdAt: w.createdAt.toISOString(),
});

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
  ) {}

  // Names never change once created (there is no rename), so every message need not read them.
  private readonly names = new LruCache<string, string>(10_000);

  /** The workspace's display name (messages to contacts sign with it). */
  async nameOf(id: string): Promise<string> {
    const cached = this.names.get(id);
    if (cached !== undefined) return cached;
    const name = (await this.workspaces.findOneBy({ id }))?.name;
    if (name !== undefined) this.names.set(id, name);
    return name ?? '';
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
