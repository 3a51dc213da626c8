import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DataSubject } from '../platform/personal-data/personal-data';
import {
  contactNeedles,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../platform/personal-data/personal-data';

const MATCH = `e.workspace_id = $1 AND (e.contact_id = $3 OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS n
  WHERE strpos(coalesce(r.output::text, '') || coalesce(r.error, ''), n) > 0))`;

/**
 * LGPD part of workflows: step outputs that mention the contact (a webhook's answer, an action's
 * result) and the errors of steps; erasure blanks them and keeps the runs and their statuses.
 */
@Injectable()
export class WorkflowsPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('workflowSteps')
  export(ws: string, c: DataSubject): Promise<unknown> {
    return this.dataSource.query(
      `SELECT r.execution_id AS "executionId", r.step_id AS "stepId", r.status, r.output, r.error
       FROM workflow_step_runs r JOIN workflow_executions e ON e.id = r.execution_id WHERE ${MATCH}
       ORDER BY r.execution_id, r.step_id`,
      [ws, contactNeedles(c), c.id],
    );
  }

  @ErasesPersonalData('workflowSteps')
  async erase(ws: string, c: DataSubject): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE workflow_step_runs r SET output = '{"erased": true}'::jsonb, error = CASE WHEN r.error IS NULL THEN NULL ELSE 'erased' END
       FROM workflow_executions e WHERE e.id = r.execution_id AND ${MATCH}`,
      [ws, contactNeedles(c), c.id],
    );
    return count;
  }
}
