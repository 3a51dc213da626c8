import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../../platform/clock';
import { FieldError, notFound, ProblemException } from '../../platform/http/problem';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { AccountingProblem } from '../accounting.problems';
import { canonicalJson, compact, hashOf, type JsonObject } from '../canonical';
import { SyncConflict } from './sync-conflict.entity';
import { syncJob } from './sync-jobs';
import { SyncRecord } from './sync-record.entity';
import { toSyncView } from './sync-records.service';
import { ConflictQuery, ConflictView, ResolveConflictDto, ResolvedView } from './syncs.dto';

const toView = (c: SyncConflict): ConflictView => ({
  id: c.id,
  syncId: c.syncId,
  connectionId: c.connectionId,
  entityType: c.entityType,
  localId: c.localId,
  status: c.status,
  base: c.base,
  local: c.local,
  remote: c.remote,
  diff: c.diff,
  resolution: c.resolution,
  resolved: c.resolved,
  createdAt: c.createdAt.toISOString(),
  resolvedAt: c.resolvedAt?.toISOString() ?? null,
});

/**
 * Deciding a conflict. The system's version becomes the new base either way; then `remote` is
 * done at once (nothing written anywhere), while `local` and `merge` make the sync pending with
 * the chosen version, so its next attempt writes it once — on the retry schedule if it fails.
 */
@Injectable()
export class ConflictsService {
  constructor(
    @InjectRepository(SyncConflict) private readonly conflicts: Repository<SyncConflict>,
    @InjectRepository(SyncRecord) private readonly records: Repository<SyncRecord>,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  list(caller: Principal, q: ConflictQuery): Promise<Page<ConflictView>> {
    const qb = this.conflicts.createQueryBuilder('c').where('c.workspaceId = :ws AND c.status = :status', {
      ws: caller.workspaceId,
      status: q.status ?? 'open',
    });
    return paginate(qb, q, toView);
  }

  async get(caller: Principal, id: string): Promise<ConflictView> {
    return toView(await this.find(caller.workspaceId, id));
  }

  async resolve(caller: Principal, id: string, dto: ResolveConflictDto): Promise<ResolvedView> {
    const c = await this.find(caller.workspaceId, id);
    if (c.status !== 'open')
      throw new AccountingProblem('CONFLICT_ALREADY_RESOLVED', `Resolved as ${c.resolution}`);
    const chosen = this.choose(c, dto);
    const now = this.clock.now();
    const remoteHash = hashOf(c.remote);
    const done = canonicalJson(chosen) === canonicalJson(c.remote);
    const record = await this.conflicts.manager.transaction(async (tx) => {
      const claimed = await tx.update(
        SyncConflict,
        { id: c.id, status: 'open' },
        { status: 'resolved', resolution: dto.keep, resolved: chosen, resolvedAt: now },
      );
      if (!claimed.affected) throw new AccountingProblem('CONFLICT_ALREADY_RESOLVED', 'Resolved meanwhile');
      await tx.update(
        SyncRecord,
        { id: c.syncId },
        {
          pending: chosen,
          localHash: hashOf(chosen),
          synced: c.remote,
          remoteHash,
          status: done ? 'success' : 'pending',
          attempts: 0,
          lastError: null,
          nextAttemptAt: done ? null : now,
          syncedAt: done ? now : undefined,
          updatedAt: now,
        },
      );
      return tx.findOneByOrFail(SyncRecord, { id: c.syncId });
    });
    if (!done) await this.jobs.enqueueBulk([syncJob(record.workspaceId, record.id, 0, now)]);
    return {
      conflict: toView({ ...c, status: 'resolved', resolution: dto.keep, resolved: chosen, resolvedAt: now }),
      sync: toSyncView(record),
    };
  }

  private choose(c: SyncConflict, dto: ResolveConflictDto): JsonObject {
    if (dto.keep === 'local') return c.local;
    if (dto.keep === 'remote') return c.remote;
    const known = new Set([...Object.keys(c.local), ...Object.keys(c.remote)]);
    const errors: FieldError[] = (dto.fields ?? [])
      .filter((f) => !known.has(f) || f === 'id')
      .map((f) => ({ field: 'fields', message: `"${f}" is not a field of this ${c.entityType}` }));
    if (errors.length) throw new ProblemException('VALIDATION_FAILED', 'Unknown fields', { errors });
    // By default a three-way merge: the system's value where only the system changed the field.
    const fields =
      dto.fields ??
      c.diff.filter((d) => canonicalJson(d.local) === canonicalJson(d.base)).map((d) => d.field);
    const merged: JsonObject = { ...c.local };
    for (const f of fields) merged[f] = c.remote[f];
    return compact(merged);
  }

  private async find(workspaceId: string, id: string): Promise<SyncConflict> {
    const c = await this.conflicts.findOneBy({ id, workspaceId });
    if (!c) throw notFound('Conflict');
    return c;
  }
}
