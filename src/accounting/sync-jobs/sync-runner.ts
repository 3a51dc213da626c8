import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig } from '../../config/area-config';
import { OutboxSweep } from '../../platform/outbox/outbox-relay';
import { Clock } from '../../platform/clock';
import { SecretBox } from '../../platform/crypto/secret-box';
import { compileExpression, evaluate, toJson } from '../../platform/expression/expression';
import { dependencyOutage } from '../../platform/queue/dependency-outage';
import { JobQueue, type EnqueueItem } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { accountingConfig, type AccountingConfig } from '../accounting.config';
import { AccountingProblem } from '../accounting.problems';
import { PageReader, ReadFailure } from './page-reader';
import { PageProcessor, type Outcome } from './page-processor';
import { SyncJob } from './sync-job.entity';
import { RunFailure, SyncRun } from './sync-run.entity';

const MAX_FAILURES_KEPT = 100;

interface PageJobData {
  workspaceId: string;
  runId: string;
  /** Pages done before this one: a job whose number is stale does nothing. */
  page: number;
}

/** A page's job; a retry of a failed read gets its own id (`-a<n>`), which the relay derives too. */
export const pageJob = (
  workspaceId: string,
  runId: string,
  page: number,
  delayMs = 0,
  attempt = 0,
): EnqueueItem<PageJobData> => ({
  name: 'sync.page',
  data: { workspaceId, runId, page },
  opts: { jobId: `sync.page-${runId}-${page}${attempt ? `-a${attempt}` : ''}`, delay: delayMs },
});

export interface JobSecrets {
  source?: Record<string, string>;
  target?: Record<string, string>;
}

/**
 * Runs sync jobs page by page on the `sync` queue. Each page job reads one page from the cursor
 * of the checkpoint, maps and upserts its records (unchanged ones skipped by hash), then — in one
 * transaction — records the items, adds the counts and moves the checkpoint, and queues the next
 * page. A worker killed mid-page leaves the checkpoint where it was: BullMQ hands the stalled
 * page job to another worker, which does that page again.
 */
@Injectable()
export class SyncRunner {
  private readonly logger = new Logger('SyncRunner');

  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @InjectRepository(SyncRun) private readonly runs: Repository<SyncRun>,
    private readonly reader: PageReader,
    private readonly processor: PageProcessor,
    private readonly queue: JobQueue,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    @InjectConfig(accountingConfig) private readonly config: AccountingConfig,
  ) {}

  /** A new run from the first page; 409 while one is running. */
  async start(job: SyncJob, trigger: 'manual' | 'schedule'): Promise<SyncRun> {
    const now = this.clock.now();
    const run: SyncRun = {
      id: uuidv7(),
      workspaceId: job.workspaceId,
      jobId: job.id,
      status: 'running',
      trigger,
      cursor: null,
      pages: 0,
      pageAttempts: 0,
      read: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      failures: [],
      since: job.watermark,
      watermark: job.watermark,
      error: null,
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    const inserted = await this.runs
      .createQueryBuilder()
      .insert()
      .values(run)
      .orIgnore()
      .returning(['id'])
      .execute();
    if (!inserted.raw.length)
      throw new AccountingProblem('SYNC_RUN_IN_PROGRESS', 'Wait for the running run to finish');
    await this.queue.enqueueBulk([pageJob(job.workspaceId, run.id, 0)]);
    return run;
  }

  @OnJob('sync.cron')
  async tick(data: { jobId: string }): Promise<void> {
    const job = await this.jobs.findOneBy({ id: data.jobId });
    if (!job || !job.enabled || !job.schedule) return;
    await this.start(job, 'schedule').catch((err) => {
      if (!(err instanceof AccountingProblem)) throw err;
      this.logger.log(`sync job ${job.id}: tick skipped, a run is still going`);
    });
  }

  @OnJob('sync.page')
  async page(data: PageJobData): Promise<void> {
    const run = await this.runs.findOneBy({ id: data.runId });
    if (!run || run.status !== 'running' || run.pages !== data.page) return;
    const job = await this.jobs.findOneBy({ id: run.jobId });
    if (!job) return this.finish(run, 'failed', 'The job was deleted');
    const secrets = this.secrets(job);
    let page;
    try {
      page = await this.reader.read({
        workspaceId: job.workspaceId,
        source: job.source,
        headers: secrets.source ?? {},
        cursor: run.cursor,
        since: run.since,
      });
    } catch (err) {
      if (dependencyOutage(err) || !(err instanceof ReadFailure)) throw err;
      return this.readFailed(run, err);
    }
    if (page.nextCursor !== null && page.nextCursor === run.cursor)
      return this.finish(run, 'failed', `The source answered its own cursor again (${run.cursor}): stopped`);
    const outcomes = await this.processor.process(job, secrets.target ?? {}, page.records);
    await this.checkpoint(job, run, data.page, page.nextCursor, page.records, outcomes);
  }

  /** Items, counts and the cursor in one transaction, guarded by the page number; then the next page. */
  private async checkpoint(
    job: SyncJob,
    run: SyncRun,
    page: number,
    nextCursor: string | null,
    records: Array<Record<string, unknown>>,
    outcomes: Outcome[],
  ): Promise<void> {
    const now = this.clock.now();
    const written = outcomes.filter((o) => o.result === 'created' || o.result === 'updated');
    const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
    const failures: RunFailure[] = outcomes
      .filter((o) => o.result === 'failed')
      .map((o) => ({ key: o.key, error: o.error ?? 'failed', at: now.toISOString() }));
    const watermark = await this.newestChange(job, records, run.watermark);
    const done = nextCursor === null;
    const moved = await this.runs.manager.transaction(async (tx) => {
      const [rows]: [Array<{ id: string }>] = await tx.query(
        `UPDATE sync_runs SET pages = pages + 1, cursor = $3, page_attempts = 0,
           "read" = "read" + $4, created = created + $5, updated = updated + $6,
           unchanged = unchanged + $7, failed = failed + $8,
           failures = CASE WHEN jsonb_array_length(failures) >= ${MAX_FAILURES_KEPT} THEN failures
                      ELSE failures || $9::jsonb END,
           watermark = $10, updated_at = $11,
           status = CASE WHEN $12::boolean THEN 'succeeded' ELSE status END,
           finished_at = CASE WHEN $12::boolean THEN $11 ELSE finished_at END
         WHERE id = $1 AND pages = $2 AND status = 'running' RETURNING id`,
        [
          run.id,
          page,
          nextCursor,
          records.length,
          count('created'),
          count('updated'),
          count('unchanged'),
          count('failed'),
          JSON.stringify(failures.slice(0, MAX_FAILURES_KEPT)),
          watermark,
          now,
          done,
        ],
      );
      if (!rows.length) return false; // another worker did this page meanwhile
      if (written.length)
        await tx.query(
          `INSERT INTO sync_job_items (job_id, key, hash, target_id, updated_at)
           SELECT $1, k, h, t, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS u(k, h, t)
           ON CONFLICT (job_id, key) DO UPDATE SET hash = EXCLUDED.hash,
             target_id = COALESCE(EXCLUDED.target_id, sync_job_items.target_id), updated_at = EXCLUDED.updated_at`,
          [
            job.id,
            written.map((o) => o.key),
            written.map((o) => o.hash),
            written.map((o) => o.targetId ?? null),
            now,
          ],
        );
      if (done && watermark !== job.watermark) await tx.update(SyncJob, { id: job.id }, { watermark });
      return true;
    });
    if (moved && !done) await this.queue.enqueueBulk([pageJob(job.workspaceId, run.id, page + 1)]);
  }

  private async newestChange(
    job: SyncJob,
    records: Array<Record<string, unknown>>,
    current: string | null,
  ): Promise<string | null> {
    if (job.source.kind !== 'endpoint' || !job.source.updatedSinceParam) return current;
    const expr = compileExpression(job.source.updatedAt ?? 'updatedAt');
    let newest = current;
    for (const r of records) {
      const v = toJson(await evaluate(expr, r).catch(() => null));
      if (typeof v === 'string' && (newest === null || v > newest)) newest = v;
    }
    return newest;
  }

  private async readFailed(run: SyncRun, err: ReadFailure): Promise<void> {
    const attempts = run.pageAttempts + 1;
    const delay = err.transient ? this.config.pageRetry.delayBefore(attempts + 1, 0.2) : undefined;
    if (delay === undefined)
      return this.finish(run, 'failed', `page ${run.pages + 1}: ${err.message}`.slice(0, 1000));
    await this.runs.update(
      { id: run.id, pages: run.pages },
      { pageAttempts: attempts, error: err.message.slice(0, 1000), updatedAt: this.clock.now() },
    );
    await this.queue.enqueueBulk([pageJob(run.workspaceId, run.id, run.pages, delay, attempts)]);
  }

  private async finish(run: SyncRun, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
    const now = this.clock.now();
    await this.runs.update(
      { id: run.id, status: 'running' },
      { status, error, finishedAt: now, updatedAt: now },
    );
    if (status === 'failed') this.logger.warn(`sync run ${run.id} failed: ${error}`);
  }

  secrets(job: SyncJob): JobSecrets {
    if (!job.secretsSealed) return {};
    return JSON.parse(this.box.open(job.secretsSealed, `sync-job:${job.id}:secrets`)) as JobSecrets;
  }

  /** Running runs whose page job Redis lost are offered again (a page retry at once: late, not never). */
  @OutboxSweep('sync-runs')
  async relay(graceSeconds: number): Promise<number> {
    const rows = await this.runs
      .createQueryBuilder('r')
      .where(`r.status = 'running' AND r.updatedAt < :due`, {
        due: new Date(this.clock.nowMs() - graceSeconds * 1000),
      })
      .take(200)
      .getMany();
    return this.queue.reoffer(rows.map((r) => pageJob(r.workspaceId, r.id, r.pages, 0, r.pageAttempts)));
  }
}
