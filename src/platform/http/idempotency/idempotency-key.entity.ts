import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A create request seen with an Idempotency-Key: in flight, or done with the response to replay. */
@Entity('idempotency_keys')
@Index(['expiresAt'])
export class IdempotencyKey {
  @PrimaryColumn('uuid') workspaceId: string;
  @PrimaryColumn('text') key: string;
  @Column('text') requestHash: string;
  @Column('text') state: 'in_flight' | 'done';
  @Column('int', { nullable: true }) responseStatus: number | null;
  @Column('jsonb', { nullable: true }) responseBody: unknown;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz') expiresAt: Date;
}
