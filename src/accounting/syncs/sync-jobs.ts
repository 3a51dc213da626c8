import type { EnqueueItem } from '../../platform/queue/job-queue.service';

export interface SyncJobData {
  workspaceId: string;
  syncId: string;
  /** Attempts made before this one: a job whose number is stale does nothing. */
  attempt: number;
}

/**
 * The job of one attempt. Its id is derived from the record, the attempt and when it is due (the
 * record's `nextAttemptAt`), so the relay can offer it again under the same id, while a new
 * round (a new version, a retry, a resolved conflict) never collides with a finished job.
 */
export function syncJob(
  workspaceId: string,
  syncId: string,
  attempt: number,
  dueAt: Date,
  delayMs = 0,
): EnqueueItem<SyncJobData> {
  return {
    name: 'accounting.sync',
    data: { workspaceId, syncId, attempt },
    opts: { jobId: `accounting.sync-${syncId}-${attempt}-${dueAt.getTime()}`, delay: Math.max(0, delayMs) },
  };
}
