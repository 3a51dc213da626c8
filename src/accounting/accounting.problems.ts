import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of accounting connections, syncs, conflicts and sync jobs. */
export const ACCOUNTING_PROBLEMS = defineProblems('accounting', {
  ACCOUNTING_CONFIG_INVALID: { status: 422, title: 'The connection configuration is not valid' },
  CONFLICT_ALREADY_RESOLVED: { status: 409, title: 'The conflict was resolved already' },
  SYNC_NOT_RETRYABLE: { status: 409, title: 'Only a failed or pending sync can be retried' },
  SYNC_JOB_INVALID: { status: 422, title: 'The sync job definition is not valid' },
  SYNC_RUN_IN_PROGRESS: { status: 409, title: 'A run of this sync job is still in progress' },
  ACCOUNTING_REMOTE_FAILED: { status: 502, title: 'The accounting system refused or failed the call' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof ACCOUNTING_PROBLEMS, ProblemSpec> {}
}

/** Thrown by the accounting area; the exception filter maps it like every other problem. */
export class AccountingProblem extends ProblemException<keyof typeof ACCOUNTING_PROBLEMS> {}
