import { fillBatchJobs, rowsByJob } from './batch-jobs';

describe('batch jobs', () => {
  const rows = (groups: string[]) =>
    groups.map((group, i) => ({ id: `r${i}`, group, jobId: null as string | null }));

  it('gives rows of a group one job, a new one each `size` rows, named from its first row', () => {
    const list = rows(['a', 'b', 'a', 'a', 'b', 'a']);
    fillBatchJobs(
      list,
      2,
      (r) => r.group,
      (first) => `job-${first.id}`,
    );
    expect(list.map((r) => r.jobId)).toEqual(['job-r0', 'job-r1', 'job-r0', 'job-r3', 'job-r1', 'job-r3']);
  });

  it('groups rows by their job, leaving out those without one', () => {
    const list = rows(['a', 'a', 'a']);
    list[0].jobId = 'j1';
    list[2].jobId = 'j1';
    expect([...rowsByJob(list)].map(([id, batch]) => [id, batch.map((r) => r.id)])).toEqual([
      ['j1', ['r0', 'r2']],
    ]);
  });
});
