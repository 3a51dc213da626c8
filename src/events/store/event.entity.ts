import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const EVENT_STATUSES = ['received', 'processing', 'processed', 'failed', 'dead'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export interface EventAttempt {
  attempt: number;
  startedAt: string;
  finishedAt: string;
  outcome: 'processed' | 'failed';
  error?: string;
}

/**
 * The durable event store, and its own outbox: a row that is not yet processed is work to enqueue.
 * Rows are written in groups by EventWriter and relayed to BullMQ by OutboxRelay.
 */
@Entity('events')
@Index(['workspaceId', 'id'])
@Index(['sourceId', 'dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
@Index('idx_events_pending', ['id'], { where: `status IN ('received', 'processing', 'failed')` })
export class EventRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  /** The webhook source; null for events posted to the API. */
  @Column('uuid', { nullable: true }) sourceId: string | null;
  @Column('text') type: string;
  @Column('text', { nullable: true }) dedupeKey: string | null;
  @Column('text') status: EventStatus;
  /** events-high (webhooks), events (API), events-low (sync batches). */
  @Column('text') queue: string;
  @Column('timestamptz') occurredAt: Date;
  @Column('timestamptz') receivedAt: Date;
  @Column('jsonb') data: Record<string, unknown>;
  /**
   * The webhook's exact bytes, kept only when `data` had to be cleaned to be stored (a NUL or an
   * unpaired surrogate, which jsonb refuses): nothing the provider sent is lost. Erased with `data`.
   */
  @Column('bytea', { nullable: true, select: false }) rawBody: Buffer | null;
  @Column('int', { default: 0 }) attempts: number;
  /** `attempts` when the current round of retries began: a manual retry starts a new round. */
  @Column('int', { default: 0 }) retryRoundStart: number;
  @Column('jsonb', { default: () => `'[]'` }) attemptLog: EventAttempt[];
  /**
   * The subscribers that finished on this event (EventProcessor): a retry runs only the others,
   * so one failing subscriber never runs the rest twice.
   */
  @Column('text', { array: true, default: () => `'{}'` }) handledBy: string[];
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) processedAt: Date | null;
  /**
   * Set when the process that stored the event runs its subscribers itself (EventsHere): until
   * then the relay leaves the event to it. A process killed mid-run leaves the lease to run out.
   */
  @Column('timestamptz', { nullable: true, select: false }) leaseUntil: Date | null;
  /**
   * The queue job that carries the event's first attempt with others stored with it (`evb-…`,
   * EventWriter); null when it runs where it was stored, or has a job of its own. While that job is
   * held, the relay leaves the event to it.
   */
  @Column('text', { nullable: true, select: false }) jobId: string | null;
}
