import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One step of one execution: runs once under (execution, step). */
@Entity('workflow_step_runs')
@Index(['executionId', 'stepId'], { unique: true })
export class WorkflowStepRun {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') executionId: string;
  @Column('text') stepId: string;
  @Column('text') type: string;
  @Column('text') status: StepStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
  @Column('jsonb', { nullable: true }) output: unknown;
  @Column('text', { nullable: true }) error: string | null;
}
