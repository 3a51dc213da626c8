import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const DLQ_KINDS = ['event', 'delivery', 'notification', 'accounting'] as const;
export type DlqKind = (typeof DLQ_KINDS)[number];

/** Work that exhausted its attempts, kept for an operator: retry, archive or delete. */
@Entity('dlq_entries')
@Index(['workspaceId', 'id'])
@Index(['kind', 'refId'])
export class DlqEntry {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') kind: DlqKind;
  /** The event, delivery, notification or accounting sync id. */
  @Column('uuid') refId: string;
  @Column('uuid', { nullable: true }) endpointId: string | null;
  /** What the entry is about, e.g. the event type. */
  @Column('text') summary: string;
  @Column('text') error: string;
  @Column('int') attempts: number;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz', { nullable: true }) archivedAt: Date | null;
  @Column('timestamptz', { nullable: true }) retriedAt: Date | null;
}
