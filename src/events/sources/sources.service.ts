import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { TtlCache } from '../../platform/cache/ttl-cache';
import { Clock } from '../../platform/clock';
import { RequestLane } from '../../platform/database/request-lane';
import { randomToken } from '../../platform/crypto/constant-time';
import { SecretBox } from '../../platform/crypto/secret-box';
import { FieldError, notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { SealedConfig } from '../../platform/sealed-config/sealed-config';
import {
  checkWholeSourceConfig,
  completeSourceConfig,
  maskSourceConfig,
  validateSourceConfig,
} from './source-config';
import { DeclaredSourceKind, SourceConfig, SourceKind, SourceKinds } from './source-kind';
import { SourceRejection } from './source-rejection.entity';
import { Source } from './source.entity';
import {
  CreatedSourceView,
  CreateSourceDto,
  RejectionView,
  SourceView,
  UpdateSourceDto,
} from './sources.dto';

/** What the webhook path needs, decrypted once and cached briefly. */
export interface ResolvedSource {
  id: string;
  workspaceId: string;
  kind: SourceKind;
  enabled: boolean;
  config: SourceConfig;
}

/** The columns `resolve` reads. */
interface SourceRow {
  id: string;
  workspace_id: string;
  kind: SourceKind;
  enabled: boolean;
  config_sealed: string;
}

/** How long an instance trusts its cached copy of a source (changes elsewhere apply within this). */
const CACHE_TTL_MS = 5000;

@Injectable()
export class SourcesService {
  private readonly logger = new Logger('Sources');
  private readonly cache: TtlCache<string, ResolvedSource | null>;
  private readonly loading = new Map<string, Promise<ResolvedSource | null>>();
  /** `callbackUrl`'s answers by `workspaceId:kind` (null: none), as briefly as the slugs'. */
  private readonly callbacks: TtlCache<string, string | null>;
  /** AAD `source:<id>`: rows sealed before the helper existed open unchanged. */
  private readonly configs: SealedConfig<SourceConfig>;

  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    @InjectRepository(SourceRejection) private readonly rejections: Repository<SourceRejection>,
    private readonly kinds: SourceKinds,
    private readonly lane: RequestLane,
    box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(clock, { ttlMs: CACHE_TTL_MS, max: 10_000 });
    this.callbacks = new TtlCache(clock, { ttlMs: CACHE_TTL_MS, max: 10_000 });
    this.configs = new SealedConfig(box, (id) => `source:${id}`);
  }

  async create(caller: Principal, dto: CreateSourceDto): Promise<CreatedSourceView> {
    const kind = this.declared(dto.kind);
    this.assertConfig(kind, dto.config);
    const { config, secret } = completeSourceConfig(kind, dto.config);
    const id = uuidv7();
    const slug =
      dto.slug ??
      `${dto.kind}-${randomToken('', 16)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')
        .slice(0, 10)}`;
    const inserted = await this.sources
      .createQueryBuilder()
      .insert()
      .values({
        id,
        workspaceId: caller.workspaceId,
        name: dto.name,
        slug,
        kind: dto.kind,
        enabled: dto.enabled ?? true,
        configSealed: this.configs.seal(id, config),
      })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) throw new ProblemException('CONFLICT', `The slug "${slug}" is taken`);
    this.forget({ slug, workspaceId: caller.workspaceId });
    const view = this.toView(await this.sources.findOneByOrFail({ id }));
    // Where the URL carries the secret (Z-API signs nothing), the full URL is shown once with it.
    const url = kind.handler.urlOnCreate?.(view.url, config) ?? view.url;
    return { ...view, url, secret };
  }

  list(caller: Principal, query: PageQuery): Promise<Page<SourceView>> {
    const qb = this.sources.createQueryBuilder('s').where('s.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, (s) => this.toView(s));
  }

  async get(caller: Principal, id: string): Promise<SourceView> {
    return this.toView(await this.find(caller, id));
  }

  async update(caller: Principal, id: string, dto: UpdateSourceDto): Promise<SourceView> {
    const source = await this.find(caller, id);
    if (dto.config) {
      const kind = this.declared(source.kind, 'config');
      this.assertConfig(kind, dto.config, true);
      source.configSealed = this.configs.merge(source, dto.config);
      const errors = checkWholeSourceConfig(kind, this.configs.open(source));
      if (errors.length) throw new ProblemException('VALIDATION_FAILED', 'Invalid source config', { errors });
    }
    if (dto.name !== undefined) source.name = dto.name;
    if (dto.enabled !== undefined) source.enabled = dto.enabled;
    await this.sources.save(source);
    this.forget(source);
    return this.toView(source);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const source = await this.find(caller, id);
    await this.sources.delete({ id: source.id });
    this.forget(source);
  }

  /** This instance's cached copies a change of `source` makes stale (others' expire within CACHE_TTL_MS). */
  private forget(source: { slug: string; workspaceId: string }): void {
    this.cache.delete(source.slug);
    this.callbacks.deleteWhere((key) => key.startsWith(`${source.workspaceId}:`));
  }

  async rejectionsOf(caller: Principal, id: string, query: PageQuery): Promise<Page<RejectionView>> {
    const source = await this.find(caller, id);
    const qb = this.rejections.createQueryBuilder('r').where('r.sourceId = :id', { id: source.id });
    return paginate(qb, query, (r) => ({ reason: r.reason, createdAt: r.createdAt.toISOString() }));
  }

  /**
   * The webhook path: by slug, from a short-lived cache. Concurrent misses of one slug share one
   * load (when the entry expires under load, the requests meanwhile do not each read and decrypt).
   */
  resolve(slug: string): Promise<ResolvedSource | null> {
    const hit = this.cache.get(slug);
    if (hit !== undefined) return Promise.resolve(hit);
    let pending = this.loading.get(slug);
    if (!pending) {
      pending = this.load(slug).finally(() => this.loading.delete(slug));
      this.loading.set(slug, pending);
    }
    return pending;
  }

  /** On the RequestLane: a webhook waits for it, so it never queues behind background work. */
  private async load(slug: string): Promise<ResolvedSource | null> {
    const [row] =
      slug.length <= 64
        ? await this.lane.query<SourceRow>(
            'SELECT id, workspace_id, kind, enabled, config_sealed FROM sources WHERE slug = $1',
            [slug],
          )
        : [];
    const value: ResolvedSource | null = row
      ? {
          id: row.id,
          workspaceId: row.workspace_id,
          kind: row.kind,
          enabled: row.enabled,
          config: this.configs.open({ id: row.id, configSealed: row.config_sealed }),
        }
      : null;
    this.cache.set(slug, value);
    return value;
  }

  /**
   * Where a provider should post the statuses of what we send (Twilio takes it per message): the
   * workspace's oldest enabled source of that kind, if it has one; kept briefly, as the slugs are
   * (a send asks for it every time).
   */
  async callbackUrl(workspaceId: string, kind: SourceKind): Promise<string | undefined> {
    const key = `${workspaceId}:${kind}`;
    const kept = this.callbacks.get(key);
    if (kept !== undefined) return kept ?? undefined;
    const source = await this.sources.findOne({
      where: { workspaceId, kind, enabled: true },
      order: { id: 'ASC' },
      select: { slug: true },
    });
    const url = source ? `${this.config.app.publicUrl}/webhooks/${source.slug}` : null;
    this.callbacks.set(key, url);
    return url ?? undefined;
  }

  /** Config a verified request handed over (Bitrix24's application token in ONAPPINSTALL): kept from then on. */
  async learnConfig(source: ResolvedSource, learned: SourceConfig): Promise<void> {
    const row = await this.sources.findOneByOrFail({ id: source.id });
    row.configSealed = this.configs.merge(row, learned);
    await this.sources.save(row);
    this.cache.delete(row.slug);
  }

  /** Reason and time only; never the payload. Best effort: a failure here must not change the answer. */
  recordRejection(source: ResolvedSource, reason: string): void {
    this.rejections
      .insert({
        id: uuidv7(),
        sourceId: source.id,
        workspaceId: source.workspaceId,
        reason,
        createdAt: this.clock.now(),
      })
      .catch((err: Error) => this.logger.warn(`could not record a rejection: ${err.message}`));
  }

  /** Daily: rejections are for diagnosis, kept 30 days (a flood of bad requests must not grow forever). */
  @OnJob('sources.purge-rejections')
  async purgeRejections(): Promise<{ deleted: number }> {
    const result = await this.rejections.delete({
      createdAt: LessThan(new Date(this.clock.nowMs() - 30 * 24 * 3600 * 1000)),
    });
    return { deleted: result.affected ?? 0 };
  }

  private async find(caller: Principal, id: string): Promise<Source> {
    const source = await this.sources.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!source) throw notFound('Source');
    return source;
  }

  /** The kind as its module declared it; the DTO's `kind` is checked against the registry here. */
  private declared(kind: SourceKind, field = 'kind'): DeclaredSourceKind {
    const found = this.kinds.find(kind);
    if (found) return found;
    const errors: FieldError[] = [
      { field, message: `kind must be one of the following values: ${this.kinds.names().join(', ')}` },
    ];
    throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', { errors });
  }

  private assertConfig(kind: DeclaredSourceKind, config: unknown, partial = false): void {
    const errors = validateSourceConfig(kind, config, partial);
    if (errors.length) throw new ProblemException('VALIDATION_FAILED', 'Invalid source config', { errors });
  }

  private toView(s: Source): SourceView {
    return {
      id: s.id,
      name: s.name,
      slug: s.slug,
      kind: s.kind,
      url: `${this.config.app.publicUrl}/webhooks/${s.slug}`,
      config: maskSourceConfig(this.kinds.find(s.kind), this.configs.open(s)),
      enabled: s.enabled,
      createdAt: s.createdAt.toISOString(),
    };
  }
}
