import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { CacheInvalidation } from '../../platform/cache/cache-invalidation';
import { SharedCache } from '../../platform/cache/shared-cache';
import { Clock } from '../../platform/clock';
import { randomToken, sha256Hex } from '../../platform/crypto/constant-time';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { hasScope } from '../auth/scopes';
import { ApiKey } from './api-key.entity';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto';

export const toView = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  rateLimitPerMinute: k.rateLimitPerMinute,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

type ActiveKey = Pick<ApiKey, 'id' | 'workspaceId' | 'scopes' | 'rateLimitPerMinute'>;

/** Invalidation topic of the active-key cache (payload: the key's hash). */
const REVOKED = 'api-keys';
/** An upper bound, should an invalidation be lost (a revoke while Redis was down). */
const ACTIVE_TTL_MS = 30_000;

@Injectable()
export class ApiKeysService {
  /** Active keys by hash: a request with a known key costs no database round trip. */
  private readonly active: SharedCache<ActiveKey>;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    invalidation: CacheInvalidation,
    clock: Clock,
  ) {
    this.active = new SharedCache(invalidation, REVOKED, clock, { ttlMs: ACTIVE_TTL_MS, max: 10_000 });
  }

  async create(caller: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const escalation = dto.scopes.find((s) => !hasScope(caller.scopes, s));
    if (escalation) {
      throw new ProblemException(
        'FORBIDDEN_SCOPE',
        `You cannot grant a scope you do not hold: ${escalation}`,
      );
    }
    return this.issue(this.keys.manager, caller.workspaceId, dto);
  }

  /** Creates a key (a given one for bootstrap, else a random one); the clear key is returned once. */
  async issue(
    manager: EntityManager,
    workspaceId: string,
    dto: CreateApiKeyDto,
    key = randomToken('pk', 24),
  ): Promise<CreatedApiKeyView> {
    const row = manager.create(ApiKey, {
      id: uuidv7(),
      workspaceId,
      name: dto.name,
      prefix: key.slice(0, 11),
      keyHash: sha256Hex(key),
      scopes: [...new Set(dto.scopes)],
      rateLimitPerMinute: dto.rateLimitPerMinute ?? null,
      revokedAt: null,
    });
    await manager.insert(ApiKey, row);
    const saved = await manager.findOneByOrFail(ApiKey, { id: row.id });
    return { ...toView(saved), key };
  }

  list(caller: Principal, query: PageQuery): Promise<Page<ApiKeyView>> {
    const qb = this.keys.createQueryBuilder('k').where('k.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, toView);
  }

  async get(caller: Principal, id: string): Promise<ApiKeyView> {
    const key = await this.keys.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!key) throw notFound('API key');
    return toView(key);
  }

  /**
   * Revocation is a column, and every instance drops the key from its cache at once (Redis
   * pub/sub). Were Redis down, the revocation stands and instances forget the key within 30 s.
   */
  async revoke(caller: Principal, id: string): Promise<void> {
    const found = await this.keys.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!found) throw notFound('API key');
    await this.keys.update(
      { id, workspaceId: caller.workspaceId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    await this.active.forget(found.keyHash);
  }

  /** On every request: from the cache while invalidations reach this instance, else plain SQL. */
  async findActiveByKey(key: string): Promise<ActiveKey | null> {
    const hash = sha256Hex(key);
    return this.active.get(hash, async () => {
      const rows: ActiveKey[] = await this.keys.query(
        `SELECT id, workspace_id AS "workspaceId", scopes, rate_limit_per_minute AS "rateLimitPerMinute"
         FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
        [hash],
      );
      return rows[0] ?? null;
    });
  }
}
