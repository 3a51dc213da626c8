import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../platform/clock';
import { Batched } from '../platform/database/batched';
import { WorkflowStepRun } from './workflow-step-run.entity';

/** One write of a step's run, by the worker walking the execution under `seq`. */
export interface StepWrite {
  executionId: string;
  seq: number;
  stepId: string;
  type: string;
  status: 'running' | 'succeeded' | 'failed';
  output?: unknown;
  error?: string;
  /** Null keeps the stored start (a run already marked). */
  startedAt: Date | null;
  /** 1 when this write counts an attempt of a run already stored (a new row counts one). */
  attempt: 0 | 1;
  /** Ends the execution in the same statement (its last step, or a failure). */
  finish?: 'succeeded' | 'failed';
  /** The contact this walk found for an execution started without one: stored with the finish. */
  contactId?: string | null;
}

/**
 * Step-run writes of every execution a worker walks, one statement per batch: the run is stored
 * only while its execution is still this job's (running under `seq`: a cancel or a relay takeover
 * meanwhile makes the answer false), and the execution's finish rides with its last step's write.
 */
@Injectable()
export class StepWrites {
  private readonly writes = new Batched<StepWrite, boolean>((items) => this.writeMany(items));

  constructor(
    @InjectRepository(WorkflowStepRun) private readonly runs: Repository<WorkflowStepRun>,
    private readonly clock: Clock,
  ) {}

  /** False when the execution is no longer this job's to walk. */
  write(item: StepWrite): Promise<boolean> {
    return this.writes.run(item);
  }

  private async writeMany(items: StepWrite[]): Promise<boolean[]> {
    const input = [...items]
      .sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0))
      .map((w) => ({
        id: uuidv7(),
        execution_id: w.executionId,
        seq: w.seq,
        step_id: w.stepId,
        type: w.type,
        status: w.status,
        output: w.output ?? null,
        error: w.error ?? null,
        started_at: w.startedAt?.toISOString() ?? null,
        attempt: w.attempt,
        finish: w.finish ?? null,
        contact_id: w.contactId ?? null,
      }));
    const rows: Array<{ id: string }> = await this.runs.query(
      `WITH i AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, execution_id uuid, seq int, step_id text, type text,
           status text, output jsonb, error text, started_at timestamptz, attempt int, finish text,
           contact_id uuid)
         LIMIT $3),
       owned AS (
         SELECT e.id FROM workflow_executions e JOIN i ON e.id = i.execution_id AND e.seq = i.seq
         WHERE e.status = 'running' AND i.finish IS NULL),
       finished AS (
         UPDATE workflow_executions e SET status = i.finish, finished_at = $2, updated_at = $2, lease_until = NULL,
           error = CASE WHEN i.finish = 'failed' THEN i.step_id || ': ' || i.error END,
           failed_step = CASE WHEN i.finish = 'failed' THEN i.step_id END,
           contact_id = COALESCE(e.contact_id, i.contact_id)
         FROM i WHERE e.id = i.execution_id AND e.seq = i.seq AND e.status = 'running' AND i.finish IS NOT NULL
         RETURNING e.id),
       ours AS (SELECT id FROM owned UNION ALL SELECT id FROM finished),
       updated AS (
         UPDATE workflow_step_runs r SET status = i.status, error = i.error,
           output = CASE WHEN i.status = 'failed' THEN r.output ELSE i.output END,
           attempts = r.attempts + i.attempt, started_at = COALESCE(i.started_at, r.started_at),
           finished_at = CASE WHEN i.status = 'running' THEN NULL ELSE $2 END
         FROM i JOIN ours ON ours.id = i.execution_id
         WHERE r.execution_id = i.execution_id AND r.step_id = i.step_id
         RETURNING r.id),
       inserted AS (
         INSERT INTO workflow_step_runs (id, execution_id, step_id, type, status, attempts, started_at, finished_at, output, error)
         SELECT i.id, i.execution_id, i.step_id, i.type, i.status, 1, COALESCE(i.started_at, $2),
           CASE WHEN i.status = 'running' THEN NULL ELSE $2 END, i.output, i.error
         FROM i JOIN ours ON ours.id = i.execution_id
         WHERE NOT EXISTS (SELECT 1 FROM workflow_step_runs r WHERE r.execution_id = i.execution_id AND r.step_id = i.step_id)
         ON CONFLICT (execution_id, step_id) DO NOTHING
         RETURNING id)
       SELECT id FROM ours`,
      // LIMIT tells the planner how many rows the JSON holds (it guesses 100 for a function): with
      // the real count it looks the executions and step runs up by index, not by a scan of the table.
      [JSON.stringify(input), this.clock.now(), input.length],
    );
    const ours = new Set(rows.map((r) => r.id));
    return items.map((w) => ours.has(w.executionId));
  }
}
