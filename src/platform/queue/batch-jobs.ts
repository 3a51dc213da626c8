/** A row whose first run a batch job may carry: `jobId` names that job once it is given one. */
export interface BatchedRow {
  jobId?: string | null;
}

/**
 * Gives each row the id of the batch job that will carry it: rows of the same `group` share a job,
 * `size` rows a job at most; `newId` names a job from its first row. The id is stored with the row,
 * so the outbox relay can tell a row whose batch job still holds it from one whose job is gone.
 */
export function fillBatchJobs<R extends BatchedRow>(
  rows: R[],
  size: number,
  group: (row: R) => string,
  newId: (first: R) => string,
): void {
  const open = new Map<string, { jobId: string; size: number }>();
  for (const row of rows) {
    const key = group(row);
    let job = open.get(key);
    if (!job || job.size === size) {
      job = { jobId: newId(row), size: 0 };
      open.set(key, job);
    }
    row.jobId = job.jobId;
    job.size++;
  }
}

/** Rows stored with a batch job's id, by that id (in the order the jobs were first met). */
export function rowsByJob<R extends BatchedRow>(rows: R[]): Map<string, R[]> {
  const jobs = new Map<string, R[]>();
  for (const row of rows) {
    if (!row.jobId) continue;
    const list = jobs.get(row.jobId) ?? [];
    list.push(row);
    jobs.set(row.jobId, list);
  }
  return jobs;
}
