import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event for one endpoint, persisted before it is attempted. Its id is the stable
 * `webhook-id` (`msg_<id>`) a receiver deduplicates on across retries.
 */
@Entity('deliveries')
@Index(['eventId', 'endpointId'], { unique: true, where: 'event_id IS NOT NULL' })
// Lists are newest first by (created_at, id): a workflow's deliveries have name-based ids.
@Index(['endpointId', 'createdAt', 'id'])
@Index('idx_deliveries_pending', ['id'], { where: `status IN ('pending', 'delivering', 'failed')` })
export class Delivery {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') endpointId: string;
  /** Null for a test ping. */
  @Column('uuid', { nullable: true }) eventId: string | null;
  @Column('text') eventType: string;
  /** `{type, timestamp, data}` as of the event; a mapping is applied when sending. */
  @Column('jsonb') payload: { type: string; timestamp: string; data: unknown };
  @Column('text') status: DeliveryStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('int', { default: 0 }) retryRoundStart: number;
  @Column('timestamptz') nextAttemptAt: Date;
  @Column('int', { nullable: true }) lastStatusCode: number | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz', { nullable: true }) deliveredAt: Date | null;
}
