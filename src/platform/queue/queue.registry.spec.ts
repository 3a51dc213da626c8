import { ALL_QUEUES, defineJobs, defineQueue, JOBS, jobRegistry, QueueName } from './queue.registry';

declare module './queue.registry' {
  interface QueueNames {
    'spec-queue': true;
  }
  interface JobNames {
    'spec.job': true;
    'spec.stray': true;
  }
}

describe('queues and jobs declared by a module', () => {
  it('adds the queue to every queue and the jobs to the registry the app starts with', () => {
    const queue = defineQueue('spec-queue');
    defineJobs({ 'spec.job': { queue, schedule: { every: 60_000 } } });
    expect(ALL_QUEUES).toContain('spec-queue');
    expect(jobRegistry()).toEqual({
      ...JOBS,
      'spec.job': { queue: 'spec-queue', schedule: { every: 60_000 } },
    });
  });

  it('refuses a queue or a job declared twice, and a job on a queue nobody declared', () => {
    expect(() => defineQueue(QueueName.Maintenance)).toThrow('Queue "maintenance" is declared twice');
    expect(() => defineJobs({ 'audit.purge': { queue: QueueName.Maintenance } })).toThrow(
      'Job "audit.purge" is declared twice',
    );
    expect(() => defineJobs({ 'spec.stray': { queue: 'nowhere' as QueueName } })).toThrow(
      'Job "spec.stray": queue "nowhere" is not declared (defineQueue)',
    );
  });
});
