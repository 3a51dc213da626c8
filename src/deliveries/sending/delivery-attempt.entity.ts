import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One HTTP attempt of a delivery: what the receiver answered, how fast. */
@Entity('delivery_attempts')
@Index(['deliveryId', 'attempt'])
export class DeliveryAttempt {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') deliveryId: string;
  @Column('uuid') endpointId: string;
  @Column('int') attempt: number;
  @Column('int', { nullable: true }) statusCode: number | null;
  @Column('int') durationMs: number;
  /** The first KiB of the answer. */
  @Column('text', { nullable: true }) responseExcerpt: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz') createdAt: Date;
}
