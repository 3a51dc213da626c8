import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { CacheInvalidation } from '../../platform/cache/cache-invalidation';
import { SharedCache } from '../../platform/cache/shared-cache';
import { Clock } from '../../platform/clock';
import { SecretBox } from '../../platform/crypto/secret-box';
import { FieldError, notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { assertSafeUrl, UnsafeUrlError } from '../../platform/outbound/ssrf-guard';
import type { Channel } from '../channels';
import { SealedConfig } from '../../platform/sealed-config/sealed-config';
import { DeclaredProviderKind, ProviderAdapters } from './provider-adapters';
import type { ProviderAccount } from './provider-adapter';
import {
  crossCheckProviderConfig,
  maskProviderConfig,
  providerTarget,
  validateProviderConfig,
} from './provider-config';
import type { ProviderConfig } from './provider-kind';
import { Provider } from './provider.entity';
import { CreateProviderDto, ProviderCheckView, ProviderView, UpdateProviderDto } from './providers.dto';

/** An upper bound on a cached route list, should an invalidation be lost. */
const CACHE_TTL_MS = 60_000;
/** Invalidation topic: a workspace's provider list changed (`ALL` when messages may have been missed). */
const CHANGED = 'providers';

@Injectable()
export class ProvidersService {
  /** The route lists by `workspace:channel`, kept while invalidations reach this instance. */
  private readonly routeCache: SharedCache<ProviderAccount[]>;
  /** AAD `provider:<id>:config`: rows sealed before the helper existed open unchanged. */
  private readonly configs: SealedConfig<ProviderConfig>;

  constructor(
    @InjectRepository(Provider) private readonly providers: Repository<Provider>,
    private readonly adapters: ProviderAdapters,
    box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    invalidation: CacheInvalidation,
  ) {
    this.routeCache = new SharedCache(invalidation, CHANGED, clock, { ttlMs: CACHE_TTL_MS, max: 10_000 });
    this.configs = new SealedConfig(box, (id) => `provider:${id}:config`);
  }

  async create(caller: Principal, dto: CreateProviderDto): Promise<ProviderView> {
    const kind = this.adapters.find(dto.kind);
    if (!kind || !kind.options.channels.includes(dto.channel)) {
      throw this.invalid([
        {
          field: 'kind',
          message: `${dto.channel} providers are ${this.adapters.kindsOf(dto.channel).join(', ')}`,
        },
      ]);
    }
    const config = await this.checkConfig(kind, dto.config, {});
    const id = uuidv7();
    const now = this.clock.now();
    const provider: Provider = {
      id,
      workspaceId: caller.workspaceId,
      channel: dto.channel,
      kind: dto.kind,
      name: dto.name,
      configSealed: this.configs.seal(id, config),
      priority: dto.priority ?? 100,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? kind.options.defaultRatePerSecond ?? null,
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.providers.insert(provider);
    await this.forget(caller.workspaceId);
    return this.toView(provider);
  }

  list(caller: Principal, query: PageQuery): Promise<Page<ProviderView>> {
    const qb = this.providers
      .createQueryBuilder('p')
      .where('p.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, (p) => this.toView(p));
  }

  async get(caller: Principal, id: string): Promise<ProviderView> {
    return this.toView(await this.find(caller.workspaceId, id));
  }

  async update(caller: Principal, id: string, dto: UpdateProviderDto): Promise<ProviderView> {
    const p = await this.find(caller.workspaceId, id);
    if (dto.config !== undefined) {
      const kind = this.adapters.find(p.kind);
      if (!kind)
        throw this.invalid([{ field: 'config', message: `${p.kind} providers are no longer supported` }]);
      p.configSealed = this.configs.seal(
        p.id,
        await this.checkConfig(kind, dto.config, this.configs.open(p)),
      );
    }
    if (dto.name !== undefined) p.name = dto.name;
    if (dto.priority !== undefined) p.priority = dto.priority;
    if (dto.rateLimitPerSecond !== undefined) p.rateLimitPerSecond = dto.rateLimitPerSecond;
    if (dto.enabled !== undefined) p.enabled = dto.enabled;
    p.updatedAt = this.clock.now();
    await this.providers.save(p);
    await this.forget(p.workspaceId);
    return this.toView(p);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const p = await this.find(caller.workspaceId, id);
    await this.providers.delete({ id: p.id });
    await this.forget(p.workspaceId);
  }

  /** Calls the provider's own status endpoint with the stored credentials. */
  async check(caller: Principal, id: string): Promise<ProviderCheckView> {
    const p = await this.find(caller.workspaceId, id);
    const account = this.toAccount(p);
    let result: { ok: boolean; detail: string };
    try {
      result = await this.adapters.get(p.kind).check(account);
    } catch (err) {
      result = { ok: false, detail: (err as Error).message.slice(0, 500) };
    }
    return { ...result, checkedAt: this.clock.now().toISOString() };
  }

  /** One of the workspace's providers as its adapter sees it (404 for another workspace's). */
  async account(workspaceId: string, id: string): Promise<ProviderAccount> {
    return this.toAccount(await this.find(workspaceId, id));
  }

  /** The enabled providers of these kinds, every workspace's unless one is given. */
  async accountsOfKinds(kinds: string[], workspaceId?: string): Promise<ProviderAccount[]> {
    if (!kinds.length) return [];
    const rows = await this.providers.find({
      where: { kind: In(kinds), enabled: true, ...(workspaceId ? { workspaceId } : {}) },
      order: { createdAt: 'ASC' },
    });
    return rows.map((p) => this.toAccount(p));
  }

  /**
   * The enabled providers of a channel in the order sends try them: cached while invalidations
   * reach this instance (a change on any instance drops it everywhere), else read every time.
   */
  routes(workspaceId: string, channel: Channel): Promise<ProviderAccount[]> {
    return this.routeCache.get(`${workspaceId}:${channel}`, async () => {
      const rows = await this.providers.find({
        where: { workspaceId, channel, enabled: true },
        order: { priority: 'ASC', createdAt: 'ASC' },
      });
      return rows.map((p) => this.toAccount(p));
    });
  }

  private async checkConfig(
    kind: DeclaredProviderKind,
    changes: unknown,
    current: ProviderConfig,
  ): Promise<ProviderConfig> {
    const errors = validateProviderConfig(kind, changes, Object.keys(current).length > 0);
    if (errors.length) throw this.invalid(errors);
    const merged = { ...current, ...(changes as ProviderConfig) };
    const crossErrors = crossCheckProviderConfig(kind, merged);
    if (crossErrors.length) throw this.invalid(crossErrors);
    const target = providerTarget(kind, merged);
    if (target) {
      try {
        await assertSafeUrl(target.url, { allowPrivate: this.config.outbound.allowPrivate });
      } catch (err) {
        if (!(err instanceof UnsafeUrlError)) throw err;
        throw this.invalid([
          {
            field: target.field,
            message: `refused (${err.reason}): Ponte only calls public addresses`,
          },
        ]);
      }
    }
    return merged;
  }

  private invalid(errors: FieldError[]): ProblemException {
    return new ProblemException('VALIDATION_FAILED', 'The provider is not valid', { errors });
  }

  private async find(workspaceId: string, id: string): Promise<Provider> {
    const p = await this.providers.findOneBy({ id, workspaceId });
    if (!p) throw notFound('Provider');
    return p;
  }

  /** Every instance drops the workspace's routes (this one at once, whatever Redis says). */
  private forget(workspaceId: string): Promise<void> {
    return this.routeCache.forget(workspaceId);
  }

  private toAccount(p: Provider): ProviderAccount {
    return {
      id: p.id,
      workspaceId: p.workspaceId,
      kind: p.kind,
      config: this.configs.open(p),
      version: `${p.id}:${p.updatedAt.getTime()}`,
      rateLimitPerSecond: p.rateLimitPerSecond,
    };
  }

  private toView(p: Provider): ProviderView {
    return {
      id: p.id,
      channel: p.channel,
      kind: p.kind,
      name: p.name,
      config: maskProviderConfig(this.adapters.find(p.kind), this.configs.open(p)),
      priority: p.priority,
      rateLimitPerSecond: p.rateLimitPerSecond,
      enabled: p.enabled,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}
