import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A `payment.received` event applied to a debt: keyed by the event id, so a redelivered or
 * retried event is applied once. Keeps the amount, for the campaign's amount recovered.
 */
@Entity('collection_payments')
@Index(['workspaceId', 'debtId'])
export class CollectionPayment {
  /** The `payment.received` event's id. */
  @PrimaryColumn('uuid') eventId: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') debtId: string;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  amountCents: number;
  /** The plan instalment this payment settled (1-based), when the debt had a plan. */
  @Column('int', { nullable: true }) instalment: number | null;
  @Column('timestamptz') createdAt: Date;
}
