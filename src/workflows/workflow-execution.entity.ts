import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const EXECUTION_STATUSES = ['running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * One run of one workflow version. `seq` names its one live job (`wf-<id>-<seq>`): every new job
 * (start, timer, retry) bumps it, and a job of an older seq does nothing. `leaseUntil` keeps two
 * workers from walking it at once; an expired lease means its worker died.
 */
@Entity('workflow_executions')
@Index(['workflowId', 'triggerKey'], { unique: true })
@Index(['workflowId', 'id'])
@Index(['triggerEventId'])
@Index('idx_workflow_executions_open', ['workspaceId'], { where: `status IN ('running', 'waiting')` })
export class WorkflowExecution {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') workflowId: string;
  @Column('int') version: number;
  /** The event id, or `cron-<tick ms>`: one execution per (workflow, trigger). */
  @Column('text') triggerKey: string;
  @Column('uuid', { nullable: true }) triggerEventId: string | null;
  /** A scheduled run's tick. */
  @Column('timestamptz', { nullable: true }) scheduledAt: Date | null;
  @Column('uuid', { nullable: true }) contactId: string | null;
  /** How many workflow emits led to the starting event. */
  @Column('int', { default: 0 }) depth: number;
  /** Event-type patterns that cancel it while it runs or waits (from the version's cancelOn). */
  @Column('text', { array: true, default: () => `'{}'` }) cancelOnEvents: string[];
  @Column('text') status: ExecutionStatus;
  @Column('int', { default: 0 }) seq: number;
  @Column('timestamptz', { nullable: true }) leaseUntil: Date | null;
  @Column('timestamptz', { nullable: true }) wakeAt: Date | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('text', { nullable: true }) failedStep: string | null;
  @Column('timestamptz') startedAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
}
