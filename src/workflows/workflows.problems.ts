import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of workflow definitions and executions. */
export const WORKFLOWS_PROBLEMS = defineProblems('workflows', {
  WORKFLOW_INVALID: { status: 422, title: 'The workflow definition is invalid' },
  EXECUTION_NOT_RETRYABLE: { status: 409, title: 'Only a failed execution can be retried' },
  EXECUTION_NOT_CANCELLABLE: { status: 409, title: 'Only a running or waiting execution can be cancelled' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof WORKFLOWS_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the workflows area; the exception filter maps it like every other problem. */
export class WorkflowsProblem extends ProblemException<keyof typeof WORKFLOWS_PROBLEMS> {}
