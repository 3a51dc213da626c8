import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue.registry';

export const ON_JOB = 'ponte:on-job';

/**
 * Marks a provider method as the handler of a job name: `@OnJob('audit.flush-retention')`. The
 * method gets `(data, job)` and should call a service; processors stay thin.
 */
export const OnJob = (name: JobName) => SetMetadata(ON_JOB, name);
