import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { DlqEntry } from './dlq-entry.entity';
import { DLQ_KINDS, DlqKind } from './dlq-kinds';
import { DlqEntryView, DlqFilter, DlqQuery } from './dlq.dto';

export type DlqRetrier = (workspaceId: string, refId: string) => Promise<void>;

/** A dead-letter entry as its module describes it. */
export type NewDlqEntry = Omit<DlqEntry, 'id' | 'createdAt' | 'archivedAt' | 'retriedAt' | 'endpointId'> & {
  endpointId?: string;
};

export const DLQ_RETRIER = definePluginPoint<DlqRetrier>({ title: 'DLQ retrier', required: DLQ_KINDS });

/** `@RetriesDlq('delivery')`: how the kind's module retries one of its dead-lettered entries. */
export const RetriesDlq = (kind: DlqKind) => declare(DLQ_RETRIER, kind);

const toView = (e: DlqEntry): DlqEntryView => ({
  id: e.id,
  kind: e.kind,
  refId: e.refId,
  endpointId: e.endpointId,
  summary: e.summary,
  error: e.error,
  attempts: e.attempts,
  createdAt: e.createdAt.toISOString(),
  archivedAt: e.archivedAt?.toISOString() ?? null,
  retriedAt: e.retriedAt?.toISOString() ?? null,
});

/**
 * The dead-letter queue every module shares: what exhausted its attempts, by kind. Each kind's
 * module declares how to retry its own entries (`@RetriesDlq`).
 */
@Injectable()
export class DlqService implements OnModuleInit {
  private retriers = new Map<string, DlqRetrier>();

  constructor(
    @InjectRepository(DlqEntry) private readonly entries: Repository<DlqEntry>,
    private readonly clock: Clock,
    private readonly plugins: PluginRegistry,
  ) {}

  onModuleInit(): void {
    this.retriers = new Map(this.plugins.get(DLQ_RETRIER).map((d) => [d.name, d.handler]));
  }

  /**
   * Marks work dead and files its entry in one transaction. `markDead` makes the module's own write
   * with `tx` and says whether it moved the row to its dead state (false: already dead, or no
   * longer this caller's to fail); only then is the entry written. Both or neither: a worker killed
   * in between leaves the work as it was, to be run again; and one entry per death, however often
   * the caller repeats itself after an outage.
   */
  deadLetter(markDead: (tx: EntityManager) => Promise<boolean>, entry: NewDlqEntry): Promise<boolean> {
    return this.entries.manager.transaction(async (tx) => {
      if (!(await markDead(tx))) return false;
      await tx.insert(DlqEntry, {
        ...entry,
        endpointId: entry.endpointId ?? null,
        id: uuidv7(),
        createdAt: this.clock.now(),
        archivedAt: null,
        retriedAt: null,
      });
      return true;
    });
  }

  list(caller: Principal, q: DlqQuery): Promise<Page<DlqEntryView>> {
    return paginate(this.filtered(caller.workspaceId, { ...q, archived: q.archived ?? false }), q, toView);
  }

  async stats(
    caller: Principal,
  ): Promise<{ total: number; byKind: Record<string, number>; archived: number; oldest: string | null }> {
    const rows: Array<{ kind: string; archived: boolean; n: string; oldest: Date }> =
      await this.entries.query(
        `SELECT kind, archived_at IS NOT NULL AS archived, count(*) AS n, min(created_at) AS oldest
       FROM dlq_entries WHERE workspace_id = $1 GROUP BY 1, 2`,
        [caller.workspaceId],
      );
    const byKind: Record<string, number> = {};
    let total = 0;
    let archived = 0;
    let oldest: Date | null = null;
    for (const r of rows) {
      if (r.archived) {
        archived += Number(r.n);
        continue;
      }
      byKind[r.kind] = (byKind[r.kind] ?? 0) + Number(r.n);
      total += Number(r.n);
      if (!oldest || r.oldest < oldest) oldest = r.oldest;
    }
    return { total, byKind, archived, oldest: oldest?.toISOString() ?? null };
  }

  async retry(caller: Principal, id: string): Promise<DlqEntryView> {
    const entry = await this.entries.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!entry) throw notFound('DLQ entry');
    await this.retryEntry(entry);
    return toView(entry);
  }

  async retryMany(caller: Principal, filter: DlqFilter): Promise<{ retried: number }> {
    const entries = await this.filtered(caller.workspaceId, { ...filter, archived: false })
      .andWhere('d.retriedAt IS NULL')
      .orderBy('d.id')
      .take(1000)
      .getMany();
    for (const entry of entries) await this.retryEntry(entry);
    return { retried: entries.length };
  }

  async archive(caller: Principal, id: string): Promise<DlqEntryView> {
    const entry = await this.entries.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!entry) throw notFound('DLQ entry');
    entry.archivedAt ??= this.clock.now();
    await this.entries.update({ id }, { archivedAt: entry.archivedAt });
    return toView(entry);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const result = await this.entries.delete({ id, workspaceId: caller.workspaceId });
    if (!result.affected) throw notFound('DLQ entry');
  }

  private async retryEntry(entry: DlqEntry): Promise<void> {
    const retrier = this.retriers.get(entry.kind);
    if (!retrier)
      throw new ProblemException('UNPROCESSABLE', `Entries of kind ${entry.kind} cannot be retried yet`);
    await retrier(entry.workspaceId, entry.refId);
    entry.retriedAt = this.clock.now();
    await this.entries.update({ id: entry.id }, { retriedAt: entry.retriedAt });
  }

  private filtered(workspaceId: string, q: DlqFilter) {
    const qb = this.entries.createQueryBuilder('d').where('d.workspaceId = :ws', { ws: workspaceId });
    if (q.kind) qb.andWhere('d.kind = :kind', { kind: q.kind });
    if (q.endpointId) qb.andWhere('d.endpointId = :ep', { ep: q.endpointId });
    if (q.from) qb.andWhere('d.createdAt >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('d.createdAt < :to', { to: new Date(q.to) });
    if (q.archived !== undefined)
      qb.andWhere(q.archived ? 'd.archivedAt IS NOT NULL' : 'd.archivedAt IS NULL');
    return qb;
  }
}
