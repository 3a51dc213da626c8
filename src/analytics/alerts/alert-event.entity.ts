import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A rule fired or resolved, with what each channel answered. */
@Entity('alert_events')
@Index(['workspaceId', 'id'])
export class AlertEvent {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') ruleId: string;
  @Column('text') kind: 'firing' | 'resolved';
  @Column('text') metric: string;
  @Column('double precision', { nullable: true }) value: number | null;
  @Column('double precision') threshold: number;
  @Column('jsonb') notified: Array<{ type: string; ok: boolean; error?: string }>;
  @Column('timestamptz') at: Date;
}
