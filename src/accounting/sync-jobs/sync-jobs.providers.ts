import { PageProcessor } from './page-processor';
import { PageReader } from './page-reader';
import { RecordWriter } from './record-writer';
import { SyncJobItem } from './sync-job-item.entity';
import { SyncJob } from './sync-job.entity';
import { SyncJobsController } from './sync-jobs.controller';
import { SyncJobsService } from './sync-jobs.service';
import { SyncRun } from './sync-run.entity';
import { SyncRunner } from './sync-runner';

/**
 * Sync jobs live in the accounting module (not a `sync` module of their own) because they read
 * and write through its connections and adapters, and share its JSONata machinery and queue.
 */
export const SYNC_JOB_ENTITIES = [SyncJob, SyncRun, SyncJobItem];
export const SYNC_JOB_CONTROLLERS = [SyncJobsController];
export const SYNC_JOB_PROVIDERS = [PageReader, PageProcessor, RecordWriter, SyncRunner, SyncJobsService];
