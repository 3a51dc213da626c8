import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { notFound } from '../../platform/http/problem';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { AccountingProblem } from '../accounting.problems';
import { hashOf, type Entity, type EntityType } from '../canonical';
import { syncJob } from './sync-jobs';
import { SyncRecord } from './sync-record.entity';
import { SyncQuery, SyncView } from './syncs.dto';

export const toSyncView = (r: SyncRecord): SyncView => ({
  id: r.id,
  connectionId: r.connectionId,
  entityType: r.entityType,
  localId: r.localId,
  externalId: r.externalId,
  status: r.status,
  localVersion: r.localVersion,
  localHash: r.localHash,
  remoteVersion: r.remoteVersion,
  remoteHash: r.remoteHash,
  attempts: r.attempts,
  lastError: r.lastError,
  nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
  syncedAt: r.syncedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * Sync records: one per (connection, entity type, Ponte id). A change of Ponte's version makes
 * the record pending and queues an attempt; the same version again (a retried or repeated event)
 * changes nothing, so the system is called once per version.
 */
@Injectable()
export class SyncRecords {
  constructor(
    @InjectRepository(SyncRecord) private readonly records: Repository<SyncRecord>,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** Ponte's version of an entity for a connection; answers the record (queued when it changed). */
  async request(
    workspaceId: string,
    connectionId: string,
    type: EntityType,
    entity: Entity,
    localVersion: string | null,
  ): Promise<SyncRecord> {
    const hash = hashOf(entity);
    const now = this.clock.now();
    const fresh: SyncRecord = {
      id: uuidv7(),
      workspaceId,
      connectionId,
      entityType: type,
      localId: entity.id,
      externalId: null,
      status: 'pending',
      localVersion,
      localHash: hash,
      remoteVersion: null,
      remoteHash: null,
      pending: { ...entity },
      synced: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
      syncedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.records
      .createQueryBuilder()
      .insert()
      .values(fresh)
      .orIgnore()
      .returning(['id'])
      .execute();
    if (inserted.raw.length) {
      await this.jobs.enqueueBulk([syncJob(workspaceId, fresh.id, 0, now)]);
      return fresh;
    }
    // Known: a new version makes it pending again (from the first attempt); the same one is a no-op.
    const [rows]: [Array<{ id: string }>] = await this.records.query(
      `UPDATE accounting_syncs SET pending = $4, local_hash = $5, local_version = $6, status = 'pending',
         attempts = 0, last_error = NULL, next_attempt_at = $7, updated_at = $7
       WHERE connection_id = $1 AND entity_type = $2 AND local_id = $3 AND local_hash <> $5
       RETURNING id`,
      [connectionId, type, entity.id, JSON.stringify(entity), hash, localVersion, now],
    );
    const record = (await this.records.findOneBy({ connectionId, entityType: type, localId: entity.id }))!;
    if (rows.length) await this.jobs.enqueueBulk([syncJob(workspaceId, record.id, 0, now)]);
    return record;
  }

  list(caller: Principal, q: SyncQuery): Promise<Page<SyncView>> {
    const qb = this.records.createQueryBuilder('s').where('s.workspaceId = :ws', { ws: caller.workspaceId });
    if (q.status) qb.andWhere('s.status = :status', { status: q.status });
    if (q.entityType) qb.andWhere('s.entityType = :type', { type: q.entityType });
    if (q.connectionId) qb.andWhere('s.connectionId = :c', { c: q.connectionId });
    return paginate(qb, q, toSyncView);
  }

  async get(caller: Principal, id: string): Promise<SyncView> {
    return toSyncView(await this.find(caller.workspaceId, id));
  }

  /** A failed (or pending) sync starts over from its first attempt. */
  async retry(caller: Principal, id: string): Promise<SyncView> {
    const record = await this.find(caller.workspaceId, id);
    if (record.status !== 'failed' && record.status !== 'pending')
      throw new AccountingProblem('SYNC_NOT_RETRYABLE', `The sync is ${record.status}`);
    return toSyncView((await this.restart(record.workspaceId, record.id))!);
  }

  /** Back to pending from the first attempt (API retry, DLQ retry); null when unknown. */
  async restart(workspaceId: string, id: string): Promise<SyncRecord | null> {
    const now = this.clock.now();
    const [rows]: [SyncRecord[]] = await this.records.query(
      `UPDATE accounting_syncs SET status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3
       WHERE id = $1 AND workspace_id = $2 AND status IN ('failed', 'pending') RETURNING id`,
      [id, workspaceId, now],
    );
    if (!rows.length) return this.records.findOneBy({ id, workspaceId });
    const record = (await this.records.findOneBy({ id }))!;
    await this.jobs.enqueueBulk([syncJob(workspaceId, id, 0, now)]);
    return record;
  }

  async find(workspaceId: string, id: string): Promise<SyncRecord> {
    const r = await this.records.findOneBy({ id, workspaceId });
    if (!r) throw notFound('Sync');
    return r;
  }
}
