import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig } from '../../config/area-config';
import { DlqService, RetriesDlq } from '../../events/dlq/dlq.service';
import { OutboxSweep, StuckWork } from '../../platform/outbox/outbox-relay';
import { Clock } from '../../platform/clock';
import { dependencyOutage } from '../../platform/queue/dependency-outage';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { accountingConfig, type AccountingConfig } from '../accounting.config';
import { AdapterFailure, type ConnectionAccount, type Written } from '../adapters/accounting-adapter';
import { AccountingAdapters } from '../adapters/accounting-adapters';
import {
  CUSTOMER_FIELDS,
  fieldDiff,
  hashOf,
  type Customer,
  type Invoice,
  type JsonObject,
  type Payment,
} from '../canonical';
import { ConnectionsService } from '../connections/connections.service';
import { SyncConflict } from './sync-conflict.entity';
import { syncJob, type SyncJobData } from './sync-jobs';
import { SyncRecord } from './sync-record.entity';
import { SyncRecords } from './sync-records.service';

type Outcome =
  | { kind: 'written'; written: Written; synced: JsonObject }
  | { kind: 'adopted'; synced: JsonObject; remoteVersion?: string; externalId: string }
  | { kind: 'conflict'; remote: JsonObject };

/**
 * One attempt of one sync record: the adapter call, then success, conflict, a retry on the
 * accounting schedule (or after the wait the system asked for), or — exhausted or refused for
 * good — `failed` and the DLQ (kind `accounting`).
 */
@Injectable()
export class SyncAttempts {
  private readonly logger = new Logger('AccountingSync');

  constructor(
    @InjectRepository(SyncRecord) private readonly records: Repository<SyncRecord>,
    @InjectRepository(SyncConflict) private readonly conflicts: Repository<SyncConflict>,
    private readonly connections: ConnectionsService,
    private readonly adapters: AccountingAdapters,
    private readonly syncs: SyncRecords,
    private readonly jobs: JobQueue,
    private readonly dlq: DlqService,
    private readonly clock: Clock,
    @InjectConfig(accountingConfig) private readonly config: AccountingConfig,
  ) {}

  @OnJob('accounting.sync')
  async attempt(data: SyncJobData): Promise<void> {
    const now = this.clock.now();
    // Claim the attempt: a stale or duplicate job finds the number moved on and does nothing.
    const [claimed]: [SyncRecord[]] = await this.records.query(
      `UPDATE accounting_syncs SET attempts = attempts + 1, updated_at = $3
       WHERE id = $1 AND status = 'pending' AND attempts = $2 RETURNING id`,
      [data.syncId, data.attempt, now],
    );
    if (!claimed.length) return;
    const record = (await this.records.findOneBy({ id: data.syncId }))!;
    const account = await this.connections.account(record.workspaceId, record.connectionId);
    if (!account) return this.fail(record, 'CONNECTION_GONE', 'The connection was deleted');
    let outcome: Outcome;
    try {
      outcome = await this.perform(account, record);
    } catch (err) {
      if (dependencyOutage(err)) throw err;
      const failure =
        err instanceof AdapterFailure
          ? err
          : new AdapterFailure('transient', 'INTERNAL', (err as Error).message);
      return this.failed(record, failure);
    }
    if (outcome.kind === 'conflict') return this.conflict(record, outcome.remote);
    const synced = outcome.synced;
    await this.records.update(
      { id: record.id, localHash: record.localHash },
      {
        status: 'success',
        externalId:
          outcome.kind === 'written' ? outcome.written.externalId || record.externalId : outcome.externalId,
        synced,
        remoteHash: hashOf(synced),
        remoteVersion:
          (outcome.kind === 'written' ? outcome.written.remoteVersion : outcome.remoteVersion) ?? null,
        lastError: null,
        nextAttemptAt: null,
        syncedAt: this.clock.now(),
        updatedAt: this.clock.now(),
      },
    );
  }

  /** The call for the record's type; customers seen before are compared with the system's copy first. */
  private async perform(account: ConnectionAccount, r: SyncRecord): Promise<Outcome> {
    const adapter = this.adapters.get(account.kind);
    if (r.entityType === 'invoice') {
      const written = await adapter.syncInvoice(account, r.pending as unknown as Invoice);
      return { kind: 'written', written, synced: r.pending };
    }
    if (r.entityType === 'payment') {
      const written = await adapter.syncPayment(account, r.pending as unknown as Payment);
      return { kind: 'written', written, synced: r.pending };
    }
    if (r.synced && r.remoteHash) {
      const remote = await adapter.getCustomer(account, r.localId);
      if (remote) {
        const remoteNow = remote.customer as unknown as JsonObject;
        const remoteChanged = hashOf(remoteNow) !== r.remoteHash;
        const localChanged = r.localHash !== r.remoteHash;
        if (remoteChanged && localChanged && r.localHash !== hashOf(remoteNow))
          return { kind: 'conflict', remote: remoteNow };
        if (remoteChanged && !localChanged)
          return {
            kind: 'adopted',
            synced: remoteNow,
            remoteVersion: remote.remoteVersion,
            externalId: remote.externalId,
          };
        if (!localChanged) return { kind: 'adopted', synced: remoteNow, externalId: remote.externalId };
      }
    }
    const written = await adapter.setupCustomer(account, r.pending as unknown as Customer);
    return { kind: 'written', written, synced: r.pending };
  }

  private async conflict(r: SyncRecord, remote: JsonObject): Promise<void> {
    const diff = fieldDiff(r.synced, r.pending, remote, CUSTOMER_FIELDS);
    const now = this.clock.now();
    await this.records.manager.transaction(async (tx) => {
      await tx.delete(SyncConflict, { syncId: r.id, status: 'open' });
      await tx.insert(SyncConflict, {
        id: uuidv7(),
        workspaceId: r.workspaceId,
        syncId: r.id,
        connectionId: r.connectionId,
        entityType: r.entityType,
        localId: r.localId,
        status: 'open',
        base: r.synced,
        local: r.pending,
        remote,
        diff,
        resolution: null,
        resolved: null,
        createdAt: now,
        resolvedAt: null,
      });
      await tx.update(SyncRecord, { id: r.id }, { status: 'conflict', nextAttemptAt: null, updatedAt: now });
    });
    this.logger.log(`sync ${r.id}: both sides changed (${diff.map((d) => d.field).join(', ')}): conflict`);
  }

  private async failed(r: SyncRecord, failure: AdapterFailure): Promise<void> {
    const attempts = r.attempts; // already counts this one
    const delay = this.config.retry.delayBefore(attempts + 1, 0.2);
    if (failure.kind === 'permanent' || delay === undefined)
      return this.fail(r, failure.code, failure.message, attempts);
    const wait = Math.max(delay, failure.retryAfterMs ?? 0);
    const next = new Date(this.clock.nowMs() + wait);
    await this.records.update(
      { id: r.id },
      {
        lastError: `${failure.code}: ${failure.message}`.slice(0, 1000),
        nextAttemptAt: next,
        updatedAt: this.clock.now(),
      },
    );
    await this.jobs.enqueueBulk([syncJob(r.workspaceId, r.id, attempts, next, wait)]);
  }

  private async fail(r: SyncRecord, code: string, message: string, attempts = r.attempts): Promise<void> {
    const error = `${code}: ${message}`.slice(0, 1000);
    const failed = await this.dlq.deadLetter(
      async (tx) =>
        !!(
          await tx.update(
            SyncRecord,
            { id: r.id, status: 'pending' },
            { status: 'failed', lastError: error, nextAttemptAt: null, updatedAt: this.clock.now() },
          )
        ).affected,
      {
        workspaceId: r.workspaceId,
        kind: 'accounting',
        refId: r.id,
        summary: `${r.entityType} ${r.localId}`.slice(0, 200),
        error,
        attempts,
      },
    );
    if (failed) this.logger.warn(`sync ${r.id} (${r.entityType}) failed after ${attempts} attempts: ${code}`);
  }

  @RetriesDlq('accounting')
  async retryFromDlq(workspaceId: string, syncId: string): Promise<void> {
    await this.syncs.restart(workspaceId, syncId);
  }

  /** Pending attempts whose job Redis lost (wiped, or a crash before the enqueue) are offered again. */
  @OutboxSweep('accounting-syncs')
  async relay(graceSeconds: number): Promise<number> {
    const due = new Date(this.clock.nowMs() - graceSeconds * 1000);
    const rows = await this.records.find({
      where: { status: 'pending', nextAttemptAt: LessThan(due) },
      order: { nextAttemptAt: 'ASC' },
      take: 500,
    });
    return this.jobs.reoffer(rows.map((r) => syncJob(r.workspaceId, r.id, r.attempts, r.nextAttemptAt!)));
  }

  @StuckWork('accounting-syncs')
  async stuck(thresholdSeconds: number): Promise<number> {
    return this.records.count({
      where: {
        status: 'pending',
        nextAttemptAt: LessThan(new Date(this.clock.nowMs() - thresholdSeconds * 1000)),
      },
    });
  }
}
