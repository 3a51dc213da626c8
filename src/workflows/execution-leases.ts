import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../platform/clock';
import { Batched } from '../platform/database/batched';
import { WorkflowExecution } from './workflow-execution.entity';
import { WorkflowStepRun } from './workflow-step-run.entity';

export const LEASE_SECONDS = 60;

/** What a walk needs of a step's stored run. */
export type StepRunState = Pick<WorkflowStepRun, 'stepId' | 'status' | 'output'>;

export interface Leased {
  exec: WorkflowExecution;
  runs: StepRunState[];
}

/**
 * Taking an execution for a walk: one statement leases it and answers its row and its step runs,
 * shared by every job of the worker that takes one meanwhile (`UPDATE … FROM unnest`, ids in
 * order). A waiting execution is taken only once its wake time is reached (by the app's clock).
 */
@Injectable()
export class ExecutionLeases {
  private readonly leases = new Batched<{ id: string; seq: number }, Leased | undefined>((items) =>
    this.leaseMany(items),
  );

  constructor(
    @InjectRepository(WorkflowExecution) private readonly executions: Repository<WorkflowExecution>,
    private readonly clock: Clock,
  ) {}

  /** The execution, leased for LEASE_SECONDS; undefined when it is not runnable under this seq now. */
  take(id: string, seq: number): Promise<Leased | undefined> {
    return this.leases.run({ id, seq });
  }

  /** Only the worker holding the current job (`seq`) may go on: a relay takeover bumps it. */
  async renew(id: string, seq: number): Promise<boolean> {
    const [rows]: [unknown[]] = await this.executions.query(
      `UPDATE workflow_executions SET lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE id = $1 AND seq = $2 AND status = 'running' RETURNING id`,
      [id, seq],
    );
    return rows.length > 0;
  }

  private async leaseMany(items: Array<{ id: string; seq: number }>): Promise<Array<Leased | undefined>> {
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.seq - b.seq));
    const rows: Array<Record<string, unknown> & { step_runs: StepRunState[] }> = await this.executions.query(
      `WITH u AS (SELECT DISTINCT * FROM unnest($1::uuid[], $2::int[]) AS u(id, seq)),
       leased AS (
         UPDATE workflow_executions e SET status = 'running', wake_at = NULL,
           lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), updated_at = $3
         FROM u WHERE e.id = u.id AND e.seq = u.seq AND e.status IN ('running', 'waiting')
           AND (e.status = 'running' OR e.wake_at IS NULL OR e.wake_at <= $3)
           AND (e.lease_until IS NULL OR e.lease_until < now())
         RETURNING e.*)
       SELECT l.*, COALESCE((SELECT jsonb_agg(jsonb_build_object('stepId', r.step_id, 'status', r.status, 'output', r.output))
                             FROM workflow_step_runs r WHERE r.execution_id = l.id), '[]'::jsonb) AS step_runs
       FROM leased l`,
      [sorted.map((i) => i.id), sorted.map((i) => i.seq), this.clock.now()],
    );
    const columns = this.executions.metadata.columns;
    const found = new Map(
      rows.map((row) => {
        const exec: Record<string, unknown> = {};
        for (const column of columns) exec[column.propertyName] = row[column.databaseName];
        return [row.id as string, { exec: exec as unknown as WorkflowExecution, runs: row.step_runs }];
      }),
    );
    // The same job delivered twice in one batch: the lease goes to one of them.
    return items.map((item) => {
      const leased = found.get(item.id);
      if (!leased || leased.exec.seq !== item.seq) return undefined;
      found.delete(item.id);
      return leased;
    });
  }
}
