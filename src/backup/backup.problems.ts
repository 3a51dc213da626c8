import { defineProblems, ProblemException, type ProblemSpec } from '../platform/http/problem';

/** The error codes of backups and restores. */
export const BACKUP_PROBLEMS = defineProblems('backup', {
  BACKUP_BUSY: { status: 409, title: 'The backup is being written or checked' },
  BACKUP_NOT_RESTORABLE: { status: 409, title: 'Only a completed or validated backup can be restored' },
  RESTORE_IN_PROGRESS: { status: 409, title: 'A restore is already running' },
  RESTORE_NOT_CONFIRMED: {
    status: 422,
    title: 'The restore needs `confirm` set to the name of the database it replaces',
  },
  BACKUP_UNAVAILABLE: { status: 503, title: 'Backups cannot run here (tools or key missing)' },
});

declare module '../platform/http/problem' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ProblemCatalog extends Record<keyof typeof BACKUP_PROBLEMS, ProblemSpec> {}
}

export class BackupProblem extends ProblemException<keyof typeof BACKUP_PROBLEMS> {}
