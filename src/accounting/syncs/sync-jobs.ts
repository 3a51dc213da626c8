import type { EnqueueItem } from '../../platform/queue/job-queue.service';

export interface SyncJobData {
  workspaceId: string;
  syncId: string;
  /** Attempts made before this one: a job whose number is stale does nothing. */
  attempt: number;
}

/** The job of one attempt; its id is derived from the record and attempt (the relay re-offers it). */
export function syncJob(
  workspaceId: string,
  syncId: string,
  attempt: number,
  delayMs = 0,
): EnqueueItem<SyncJobData> {
  return {
    name: 'accounting.sync',
    data: { workspaceId, syncId, attempt },
    opts: { jobId: `accounting.sync-${syncId}-${attempt}`, delay: Math.max(0, delayMs) },
  };
}
