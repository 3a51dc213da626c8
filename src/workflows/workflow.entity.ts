import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CancelOn, Step, Trigger } from './workflow-definition';

/** A workflow's current definition; every change also stores a WorkflowVersion. */
@Entity('workflows')
@Index(['workspaceId', 'key'], { unique: true, where: 'deleted_at IS NULL' })
@Index(['workspaceId', 'id'])
export class Workflow {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('int') version: number;
  @Column('jsonb') trigger: Trigger;
  @Column('jsonb') steps: Step[];
  @Column('jsonb', { nullable: true }) cancelOn: CancelOn | null;
  /** Event-type patterns of an event trigger (empty for a schedule), for the start lookup. */
  @Column('text', { array: true, default: () => `'{}'` }) triggerEvents: string[];
  @Column('boolean') active: boolean;
  /** The built-in template it was made from, if any. */
  @Column('text', { nullable: true }) template: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deletedAt: Date | null;
}
