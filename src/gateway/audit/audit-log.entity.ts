import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One authenticated request: who, what route, outcome, duration. Never bodies. */
@Entity('audit_logs')
@Index(['workspaceId', 'id'])
@Index(['createdAt'])
export class AuditLog {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') actorType: string;
  @Column('uuid') actorId: string;
  @Column('text') method: string;
  @Column('text') route: string;
  @Column('int') status: number;
  @Column('int') durationMs: number;
  @Column('text', { nullable: true }) ip: string | null;
  @Column('text', { nullable: true }) requestId: string | null;
  @Column('timestamptz') createdAt: Date;
}
