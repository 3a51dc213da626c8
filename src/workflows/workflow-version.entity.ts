import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CancelOn, Step, Trigger } from './workflow-definition';

/** One version of a definition: executions run on the version they started with. */
@Entity('workflow_versions')
@Index(['workflowId', 'version'], { unique: true })
export class WorkflowVersion {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workflowId: string;
  @Column('int') version: number;
  @Column('text') name: string;
  @Column('jsonb') trigger: Trigger;
  @Column('jsonb') steps: Step[];
  @Column('jsonb', { nullable: true }) cancelOn: CancelOn | null;
  @Column('timestamptz') createdAt: Date;
}
