import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { compileExpression, evaluate, ExpressionError, toJson } from '../../platform/expression/expression';
import { TtlCache } from '../../platform/cache/ttl-cache';
import { Mapping } from './mapping.entity';
import { CreateMappingDto, MappingView, TestMappingDto } from './mappings.dto';

/** Namespace of the version-numbering advisory locks (two-key locks never meet one-key ones). */
const VERSION_LOCK = 0x6d617070;
/** How long a process trusts the current mapping it read: another instance's new version shows within this. */
const CURRENT_TTL_MS = 5_000;
const CURRENT_CACHE_SIZE = 10_000;

type Current = Pick<Mapping, 'version' | 'expression'> | null;

export const toView = (m: Mapping): MappingView => ({
  id: m.id,
  eventType: m.eventType,
  system: m.system,
  version: m.version,
  expression: m.expression,
  createdAt: m.createdAt.toISOString(),
});

@Injectable()
export class MappingsService {
  private readonly currentCache: TtlCache<string, Current>;
  /** Bumped by every create, so that a read that started before it does not cache what it replaced. */
  private generation = 0;

  constructor(
    @InjectRepository(Mapping) private readonly mappings: Repository<Mapping>,
    private readonly clock: Clock,
  ) {
    this.currentCache = new TtlCache(clock, { ttlMs: CURRENT_TTL_MS, max: CURRENT_CACHE_SIZE });
  }

  async create(caller: Principal, dto: CreateMappingDto): Promise<MappingView> {
    try {
      compileExpression(dto.expression);
    } catch (err) {
      throw invalid(err);
    }
    const { workspaceId } = caller;
    const mapping = await this.mappings.manager.transaction(async (tx) => {
      // Creates of one (type, system) queue here, so each reads the highest version only after the
      // one before it committed: concurrent creates get consecutive versions, never the same one.
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        VERSION_LOCK,
        `${workspaceId}/${dto.eventType}/${dto.system}`,
      ]);
      const latest = await tx
        .createQueryBuilder(Mapping, 'm')
        .select('max(m.version)', 'max')
        .where('m.workspaceId = :workspaceId AND m.eventType = :eventType AND m.system = :system', {
          workspaceId,
          eventType: dto.eventType,
          system: dto.system,
        })
        .getRawOne<{ max: number | null }>();
      const row = tx.create(Mapping, {
        id: uuidv7(),
        workspaceId,
        eventType: dto.eventType,
        system: dto.system,
        version: (latest?.max ?? 0) + 1,
        expression: dto.expression,
        createdAt: this.clock.now(),
      });
      await tx.insert(Mapping, row);
      return row;
    });
    this.generation++;
    this.currentCache.delete(cacheKey(workspaceId, dto.eventType, dto.system));
    return toView(mapping);
  }

  /** The current (highest) version of every (event type, system), newest first. */
  list(caller: Principal, query: PageQuery): Promise<Page<MappingView>> {
    const qb = this.mappings
      .createQueryBuilder('m')
      .where('m.workspaceId = :ws', { ws: caller.workspaceId })
      // Column names, not properties: TypeORM does not rewrite properties inside a raw subquery reliably.
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM mappings n WHERE n.workspace_id = m.workspace_id' +
          ' AND n.event_type = m.event_type AND n.system = m.system AND n.version > m.version)',
      );
    return paginate(qb, query, toView);
  }

  async current(caller: Principal, eventType: string, system: string): Promise<MappingView> {
    const latest = await this.latest(caller.workspaceId, eventType, system);
    if (!latest) throw notFound('Mapping');
    return toView(latest);
  }

  /** Every version, highest first; the cursor is a version, since versions are what is ordered. */
  async versions(
    caller: Principal,
    eventType: string,
    system: string,
    query: PageQuery,
  ): Promise<Page<MappingView>> {
    const limit = query.limit ?? 50;
    const qb = this.mappings
      .createQueryBuilder('m')
      .where('m.workspaceId = :ws AND m.eventType = :eventType AND m.system = :system', {
        ws: caller.workspaceId,
        eventType,
        system,
      });
    if (query.cursor) qb.andWhere('m.version < :before', { before: decodeVersionCursor(query.cursor) });
    const rows = await qb
      .orderBy('m.version', 'DESC')
      .take(limit + 1)
      .getMany();
    if (!rows.length && !query.cursor) throw notFound('Mapping');
    const page = rows.slice(0, limit);
    return {
      data: page.map(toView),
      nextCursor: rows.length > limit ? encodeVersionCursor(page[page.length - 1].version) : null,
    };
  }

  /** Runs an expression on sample data with the limits deliveries use, so what passes here passes there. */
  async test(dto: TestMappingDto): Promise<{ output: unknown }> {
    try {
      return { output: toJson(await evaluate(compileExpression(dto.expression), dto.data)) };
    } catch (err) {
      throw invalid(err);
    }
  }

  /**
   * For the delivery sender: `data` shaped by the current mapping of (event type, system), as plain
   * JSON; `data` itself when there is none. A failing mapping throws ExpressionError.
   */
  async transform(workspaceId: string, eventType: string, system: string, data: unknown): Promise<unknown> {
    const mapping = await this.cachedCurrent(workspaceId, eventType, system);
    if (!mapping) return data;
    try {
      return toJson(await evaluate(compileExpression(mapping.expression), data));
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      // Said where it failed, for whoever reads the delivery attempt.
      throw new ExpressionError(
        `Mapping ${eventType}/${system} v${mapping.version}: ${err.message}`,
        err.code,
        err.position,
        err.token,
        { cause: err },
      );
    }
  }

  private async cachedCurrent(workspaceId: string, eventType: string, system: string) {
    const key = cacheKey(workspaceId, eventType, system);
    const hit = this.currentCache.get(key);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const latest = await this.latest(workspaceId, eventType, system);
    const mapping = latest && { version: latest.version, expression: latest.expression };
    if (generation === this.generation) this.currentCache.set(key, mapping);
    return mapping;
  }

  private latest(workspaceId: string, eventType: string, system: string): Promise<Mapping | null> {
    return this.mappings.findOne({ where: { workspaceId, eventType, system }, order: { version: 'DESC' } });
  }
}

const cacheKey = (workspaceId: string, eventType: string, system: string) =>
  `${workspaceId}/${eventType}/${system}`;

/** An expression's failure as 422 MAPPING_INVALID, saying where; anything else is not the expression's fault. */
function invalid(err: unknown): unknown {
  if (!(err instanceof ExpressionError)) return err;
  return new ProblemException('MAPPING_INVALID', err.message, {
    position: err.position,
    token: err.token,
    expressionCode: err.code,
  });
}

function encodeVersionCursor(version: number): string {
  return Buffer.from(`v${version}`, 'utf8').toString('base64url');
}

function decodeVersionCursor(cursor: string): number {
  const match = /^v(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new ProblemException('VALIDATION_FAILED', 'Invalid cursor', {
      errors: [{ field: 'cursor', message: 'cursor is not one this API returned' }],
    });
  }
  return Number(match[1]);
}
