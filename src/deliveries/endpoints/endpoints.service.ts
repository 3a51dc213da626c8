import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { CacheInvalidation } from '../../platform/cache/cache-invalidation';
import { SharedCache } from '../../platform/cache/shared-cache';
import { BatchLoader } from '../../platform/database/batched';
import { Clock } from '../../platform/clock';
import { webhookSecret } from '../../platform/crypto/constant-time';
import { SecretBox } from '../../platform/crypto/secret-box';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { assertSafeUrl, UnsafeUrlError } from '../../platform/outbound/ssrf-guard';
import { matchesEventType } from '../../events/processing/event-handlers';
import { Endpoint } from './endpoint.entity';
import { CreateEndpointDto, EndpointView, EndpointWithSecretView, UpdateEndpointDto } from './endpoints.dto';

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
/** Invalidation topic of the enabled-endpoints cache (payload: the workspace id). */
const ENDPOINTS_CHANGED = 'endpoints';
/** An upper bound, should an invalidation be lost (a change made while Redis was down). */
const CACHE_TTL_MS = 30_000;

/** What the sender needs, decrypted. */
export interface EndpointTarget {
  id: string;
  workspaceId: string;
  url: string;
  system: string | null;
  headers: Record<string, string>;
  /** Current first; the previous one while its overlap lasts. */
  secrets: string[];
  rateLimitPerSecond: number | null;
  enabled: boolean;
}

@Injectable()
export class EndpointsService {
  /**
   * Enabled endpoints by workspace: the fan-out of an event costs no database round trip. A change
   * is announced to every instance at once (Redis pub/sub); while invalidations do not reach this
   * instance nothing is cached.
   */
  private readonly matching: SharedCache<Endpoint[]>;
  /** Cache misses of concurrent fan-outs: one query for all their workspaces. */
  private readonly enabledOf = new BatchLoader<string, Endpoint[]>(async (workspaceIds) => {
    const rows = await this.endpoints.findBy({ workspaceId: In(workspaceIds), enabled: true });
    return new Map(workspaceIds.map((ws) => [ws, rows.filter((e) => e.workspaceId === ws)]));
  });

  constructor(
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    invalidation: CacheInvalidation,
  ) {
    this.matching = new SharedCache(invalidation, ENDPOINTS_CHANGED, clock, {
      ttlMs: CACHE_TTL_MS,
      max: 10_000,
    });
  }

  async create(caller: Principal, dto: CreateEndpointDto): Promise<EndpointWithSecretView> {
    await this.assertUrl(dto.url);
    const id = uuidv7();
    const secret = webhookSecret();
    await this.endpoints.insert({
      id,
      workspaceId: caller.workspaceId,
      name: dto.name,
      url: dto.url,
      eventTypes: [...new Set(dto.eventTypes)],
      system: dto.system ?? null,
      headersSealed: dto.headers
        ? this.seal(id, 'headers', JSON.stringify(this.checkHeaders(dto.headers)))
        : null,
      secretSealed: this.seal(id, 'secret', secret),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
      enabled: dto.enabled ?? true,
      disabledReason: null,
      failingSince: null,
    });
    await this.changed(caller.workspaceId);
    return { ...this.toView(await this.endpoints.findOneByOrFail({ id })), secret };
  }

  list(caller: Principal, query: PageQuery): Promise<Page<EndpointView>> {
    const qb = this.endpoints
      .createQueryBuilder('e')
      .where('e.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, (e) => this.toView(e));
  }

  async get(caller: Principal, id: string): Promise<EndpointView> {
    return this.toView(await this.find(caller.workspaceId, id));
  }

  async update(caller: Principal, id: string, dto: UpdateEndpointDto): Promise<EndpointView> {
    const e = await this.find(caller.workspaceId, id);
    if (dto.url !== undefined) {
      await this.assertUrl(dto.url);
      e.url = dto.url;
    }
    if (dto.name !== undefined) e.name = dto.name;
    if (dto.eventTypes !== undefined) e.eventTypes = [...new Set(dto.eventTypes)];
    if (dto.system !== undefined) e.system = dto.system;
    if (dto.headers !== undefined)
      e.headersSealed = this.seal(e.id, 'headers', JSON.stringify(this.checkHeaders(dto.headers)));
    if (dto.rateLimitPerSecond !== undefined) e.rateLimitPerSecond = dto.rateLimitPerSecond;
    if (dto.enabled !== undefined) {
      e.enabled = dto.enabled;
      e.disabledReason = dto.enabled ? null : 'disabled by an operator';
      if (dto.enabled) e.failingSince = null;
    }
    await this.endpoints.save(e);
    await this.changed(e.workspaceId);
    return this.toView(e);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const e = await this.find(caller.workspaceId, id);
    await this.endpoints.delete({ id: e.id });
    await this.changed(e.workspaceId);
  }

  /** A new secret, shown once; the old one keeps signing for 24 h so receivers can switch over. */
  async rotateSecret(caller: Principal, id: string): Promise<EndpointWithSecretView> {
    const e = await this.find(caller.workspaceId, id);
    const secret = webhookSecret();
    e.previousSecretSealed = this.seal(
      e.id,
      'previous',
      this.box.open(e.secretSealed, `endpoint:${e.id}:secret`),
    );
    e.previousSecretExpiresAt = new Date(this.clock.nowMs() + ROTATION_OVERLAP_MS);
    e.secretSealed = this.seal(e.id, 'secret', secret);
    await this.endpoints.save(e);
    return { ...this.toView(e), secret };
  }

  /** Enabled endpoints of the workspace subscribed to `type` (cached per workspace, see `matching`). */
  async matchingEndpoints(workspaceId: string, type: string): Promise<Endpoint[]> {
    const enabled = await this.matching.get(
      workspaceId,
      async () => (await this.enabledOf.load(workspaceId)) ?? [],
    );
    return enabled.filter((e) => e.eventTypes.some((p) => matchesEventType(p, type)));
  }

  /** Every instance forgets the workspace's endpoints (this one first, whatever Redis says). */
  private changed(workspaceId: string): Promise<void> {
    return this.matching.forget(workspaceId);
  }

  async target(endpointId: string): Promise<EndpointTarget | undefined> {
    const e = await this.endpoints.findOneBy({ id: endpointId });
    if (!e) return undefined;
    const secrets = [this.box.open(e.secretSealed, `endpoint:${e.id}:secret`)];
    if (
      e.previousSecretSealed &&
      e.previousSecretExpiresAt &&
      e.previousSecretExpiresAt.getTime() > this.clock.nowMs()
    ) {
      secrets.push(this.box.open(e.previousSecretSealed, `endpoint:${e.id}:previous`));
    }
    const headers = e.headersSealed
      ? (JSON.parse(this.box.open(e.headersSealed, `endpoint:${e.id}:headers`)) as Record<string, string>)
      : {};
    return {
      id: e.id,
      workspaceId: e.workspaceId,
      url: e.url,
      system: e.system,
      headers,
      secrets,
      rateLimitPerSecond: e.rateLimitPerSecond,
      enabled: e.enabled,
    };
  }

  async disable(endpointId: string, reason: string): Promise<void> {
    const e = await this.endpoints.findOneBy({ id: endpointId });
    if (!e || !e.enabled) return;
    await this.endpoints.update({ id: endpointId }, { enabled: false, disabledReason: reason });
    await this.changed(e.workspaceId);
  }

  /** A success ends a failing run; a failure starts one (or continues it: 5 days of it disables). */
  async recordOutcome(endpointId: string, ok: boolean): Promise<void> {
    if (ok) {
      await this.endpoints.query(
        `UPDATE endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
        [endpointId],
      );
      return;
    }
    const [rows]: [Array<{ failing_since: Date }>] = await this.endpoints.query(
      `UPDATE endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING failing_since`,
      [endpointId, this.clock.now()],
    );
    const since = rows[0]?.failing_since;
    if (since && this.clock.nowMs() - new Date(since).getTime() > 5 * 24 * 3600 * 1000) {
      await this.disable(endpointId, 'nothing but failures for 5 days');
    }
  }

  async find(workspaceId: string, id: string): Promise<Endpoint> {
    const e = await this.endpoints.findOneBy({ id, workspaceId });
    if (!e) throw notFound('Endpoint');
    return e;
  }

  private async assertUrl(url: string): Promise<void> {
    try {
      await assertSafeUrl(url, { allowPrivate: this.config.outbound.allowPrivate });
    } catch (err) {
      if (!(err instanceof UnsafeUrlError)) throw err;
      throw new ProblemException('VALIDATION_FAILED', 'The endpoint URL is not allowed', {
        errors: [
          { field: 'url', message: `refused (${err.reason}): Ponte only calls public http(s) addresses` },
        ],
      });
    }
  }

  private checkHeaders(headers: Record<string, string>): Record<string, string> {
    const entries = Object.entries(headers);
    const bad = entries.find(
      ([k, v]) =>
        !/^[A-Za-z0-9-]{1,64}$/.test(k) ||
        typeof v !== 'string' ||
        v.length > 2000 ||
        /^(webhook-|content-|host$)/i.test(k),
    );
    if (bad || entries.length > 20) {
      throw new ProblemException('VALIDATION_FAILED', 'Invalid headers', {
        errors: [
          {
            field: `headers${bad ? `.${bad[0]}` : ''}`,
            message: 'up to 20 headers; names A-Z 0-9 -; no webhook-*, content-* or host',
          },
        ],
      });
    }
    return headers;
  }

  private seal(id: string, what: string, value: string): string {
    return this.box.seal(value, `endpoint:${id}:${what}`);
  }

  private toView(e: Endpoint): EndpointView {
    const headers = e.headersSealed
      ? (JSON.parse(this.box.open(e.headersSealed, `endpoint:${e.id}:headers`)) as Record<string, string>)
      : {};
    return {
      id: e.id,
      name: e.name,
      url: e.url,
      eventTypes: e.eventTypes,
      system: e.system,
      headers: Object.fromEntries(Object.keys(headers).map((k) => [k, '••••'])),
      rateLimitPerSecond: e.rateLimitPerSecond,
      enabled: e.enabled,
      disabledReason: e.disabledReason,
      secret: 'whsec_••••',
      createdAt: e.createdAt.toISOString(),
    };
  }
}
