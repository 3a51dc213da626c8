import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { outboxConfig } from '../../platform/outbox/outbox.config';
import { Clock } from '../../platform/clock';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { EventBus } from '../bus/event-bus';
import { RetriesDlq } from '../dlq/dlq.service';
import { eventJob } from '../processing/event-jobs';
import { EventRecord } from './event.entity';
import {
  AcceptedEventView,
  CreateEventDto,
  EventDetailView,
  EventQuery,
  EventStatsView,
  EventView,
  StatsQuery,
} from './events.dto';

const toView = (e: EventRecord): EventView => ({
  id: e.id,
  type: e.type,
  source: e.sourceId,
  status: e.status,
  occurredAt: e.occurredAt.toISOString(),
  receivedAt: e.receivedAt.toISOString(),
  data: e.data,
  attempts: e.attempts,
  lastError: e.lastError,
  processedAt: e.processedAt?.toISOString() ?? null,
});

/** What another module adds to an event's detail (deliveries, executions it started). */
export type EventDetailContributor = (workspaceId: string, eventId: string) => Promise<unknown[]>;

export const EVENT_DETAIL = definePluginPoint<EventDetailContributor>({
  title: 'event-detail contributor',
  reserved: ['id', 'type', 'source', 'status', 'data', 'attempts', 'attemptLog'],
});

/** `@EventDetail('deliveries')`: listed under that key in GET /v1/events/:id. */
export const EventDetail = (key: string) => declare(EVENT_DETAIL, key);

@Injectable()
export class EventsService implements OnModuleInit {
  private contributors = new Map<string, EventDetailContributor>();

  constructor(
    @InjectRepository(EventRecord) private readonly events: Repository<EventRecord>,
    private readonly bus: EventBus,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    @InjectConfig(outboxConfig) private readonly outbox: ConfigOf<typeof outboxConfig>,
    private readonly plugins: PluginRegistry,
  ) {}

  onModuleInit(): void {
    this.contributors = new Map(this.plugins.get(EVENT_DETAIL).map((d) => [d.name, d.handler]));
  }

  async create(caller: Principal, dto: CreateEventDto): Promise<AcceptedEventView> {
    const written = await this.bus.emit(caller.workspaceId, dto.type, dto.data, {
      origin: 'api',
      occurredAt: dto.occurredAt ? new Date(dto.occurredAt) : undefined,
    });
    return { id: written.id, status: 'received' };
  }

  list(caller: Principal, q: EventQuery): Promise<Page<EventView>> {
    const qb = this.events.createQueryBuilder('e').where('e.workspaceId = :ws', { ws: caller.workspaceId });
    if (q.type) qb.andWhere('e.type = :type', { type: q.type });
    if (q.source) qb.andWhere('e.sourceId = :source', { source: q.source });
    if (q.status) qb.andWhere('e.status = :status', { status: q.status });
    if (q.from) qb.andWhere('e.receivedAt >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('e.receivedAt < :to', { to: new Date(q.to) });
    return paginate(qb, q, toView);
  }

  async get(caller: Principal, id: string): Promise<EventDetailView> {
    const event = await this.events.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!event) throw notFound('Event');
    const related = { deliveries: [] as unknown[], executions: [] as unknown[] };
    for (const [key, contribute] of this.contributors) {
      (related as Record<string, unknown[]>)[key] = await contribute(caller.workspaceId, id);
    }
    return { ...toView(event), attemptLog: event.attemptLog, ...related };
  }

  async stats(caller: Principal, q: StatsQuery): Promise<EventStatsView> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * 3600 * 1000);
    const rows: Array<{ type: string; status: string; n: string }> = await this.events.query(
      `SELECT type, status, count(*) AS n FROM events
       WHERE workspace_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY 1, 2`,
      [caller.workspaceId, from, to],
    );
    const byStatus: Record<string, number> = {};
    const byType: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      const n = Number(r.n);
      total += n;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
      byType[r.type] = (byType[r.type] ?? 0) + n;
    }
    return { from: from.toISOString(), to: to.toISOString(), total, byStatus, byType };
  }

  async retry(caller: Principal, id: string): Promise<AcceptedEventView> {
    const event = await this.events.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!event) throw notFound('Event');
    await this.retryEvent(caller.workspaceId, id);
    return { id, status: 'received' };
  }

  /**
   * A new round of attempts (API and DLQ) for a failed or dead event, or a stuck one: `received`
   * or `processing` for longer than STUCK_WORK_AFTER_SECONDS. The round gives its job a new id,
   * so whatever BullMQ still holds for the old one does not swallow it.
   */
  @RetriesDlq('event')
  async retryEvent(workspaceId: string, id: string): Promise<void> {
    const [rows]: [Array<{ queue: string; attempts: number }>] = await this.events.query(
      `UPDATE events SET status = 'received', retry_round_start = attempts, last_error = NULL
       WHERE id = $1 AND workspace_id = $2 AND (status IN ('failed', 'dead')
         OR (status IN ('received', 'processing') AND received_at < now() - make_interval(secs => $3)))
       RETURNING queue, attempts`,
      [id, workspaceId, this.outbox.stuckAfterSeconds],
    );
    if (!rows[0]) throw new ProblemException('CONFLICT', 'Only failed, dead or stuck events can be retried');
    await this.jobs.enqueueBulk([eventJob(id, rows[0].queue, rows[0].attempts, rows[0].attempts)]);
  }
}
