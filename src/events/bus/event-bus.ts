import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../platform/clock';
import { QueueName } from '../../platform/queue/queue.registry';
import { EventRow, EventWriter, NewEvent } from '../store/event-writer';

/** Where an event comes from decides its queue: the one place that choice is made. */
export type EventOrigin = 'webhook' | 'api' | 'internal' | 'sync';

/** Webhooks first (a provider waits on us), then the API and what modules emit, then bulk syncs. */
const QUEUE_BY_ORIGIN: Record<EventOrigin, QueueName> = {
  webhook: QueueName.EventsHigh,
  api: QueueName.Events,
  internal: QueueName.Events,
  sync: QueueName.EventsLow,
};

export function eventQueueFor(origin: EventOrigin): QueueName {
  return QUEUE_BY_ORIGIN[origin];
}

export interface EmitOptions {
  /**
   * The same key twice in a workspace stores one event (the first one's id is answered): pass one
   * derived from what causes the event so that a retried caller emits nothing twice.
   */
  dedupeKey?: string;
  /** When it happened (defaults to now). */
  occurredAt?: Date;
  /** `internal` unless the API accepted it for a caller. */
  origin?: Extract<EventOrigin, 'internal' | 'api'>;
}

export interface EmittedEvent {
  id: string;
  /** False when the dedupe key had been emitted before. */
  inserted: boolean;
}

/** Events stored inside a caller's transaction, to publish once it committed. */
export interface PendingEvents {
  rows: Array<Pick<EventRow, 'id' | 'queue' | 'jobId'>>;
}

/**
 * How every module publishes an event: stored (the outbox), then offered to its queue; the
 * subscribers (`@OnEvent`) run on it like on any webhook's. Modules never build event rows.
 */
@Injectable()
export class EventBus {
  constructor(
    private readonly writer: EventWriter,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async emit(
    workspaceId: string,
    type: string,
    data: Record<string, unknown>,
    options: EmitOptions = {},
  ): Promise<EmittedEvent> {
    if (options.dedupeKey) {
      const [existing] = await this.emitted(this.dataSource.manager, workspaceId, options.dedupeKey);
      if (existing) return { id: existing.id, inserted: false };
    }
    const [written] = await this.writer.write([this.row(workspaceId, type, data, options)]);
    return written;
  }

  /**
   * Inside the caller's transaction: the event commits or rolls back with the caller's rows. Hand
   * the answer to `publish` after the commit (a crash before that is covered by the outbox relay).
   */
  async emitIn(
    manager: EntityManager,
    workspaceId: string,
    type: string,
    data: Record<string, unknown>,
    options: EmitOptions = {},
  ): Promise<PendingEvents> {
    if (options.dedupeKey && (await this.emitted(manager, workspaceId, options.dedupeKey)).length)
      return { rows: [] };
    return { rows: await this.writer.insertIn(manager, [this.row(workspaceId, type, data, options)]) };
  }

  /** Best effort: the outbox relay offers whatever this could not (a Redis outage). */
  publish(pending: PendingEvents): Promise<void> {
    return this.writer.enqueue(pending.rows);
  }

  // Events without a source are not covered by the (source, dedupe key) unique index: looked up.
  private emitted(
    manager: EntityManager,
    workspaceId: string,
    dedupeKey: string,
  ): Promise<Array<{ id: string }>> {
    return manager.query(
      'SELECT id FROM events WHERE workspace_id = $1 AND source_id IS NULL AND dedupe_key = $2',
      [workspaceId, dedupeKey],
    );
  }

  private row(
    workspaceId: string,
    type: string,
    data: Record<string, unknown>,
    options: EmitOptions,
  ): NewEvent {
    const now = this.clock.now();
    return {
      workspaceId,
      sourceId: null,
      type,
      dedupeKey: options.dedupeKey ?? null,
      queue: eventQueueFor(options.origin ?? 'internal'),
      occurredAt: options.occurredAt ?? now,
      receivedAt: now,
      data,
    };
  }
}
