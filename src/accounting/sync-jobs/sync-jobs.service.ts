import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { OutboxSweep } from '../../platform/outbox/outbox-relay';
import { Clock } from '../../platform/clock';
import { SecretBox } from '../../platform/crypto/secret-box';
import { FieldError, notFound } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { savedUrlRefusal } from '../../platform/outbound/ssrf-guard';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { SYNC_QUEUE } from '../accounting.queue';
import { AccountingProblem } from '../accounting.problems';
import { ConnectionsService } from '../connections/connections.service';
import {
  checkExpression,
  checkSchedule,
  checkSource,
  checkTarget,
  jobUrls,
  type SyncSource,
  type SyncTarget,
} from './sync-job-spec';
import { SYNC_JOB_TEMPLATES } from './sync-job-templates';
import { SyncJob } from './sync-job.entity';
import { SyncRun } from './sync-run.entity';
import { JobSecrets, SyncRunner } from './sync-runner';
import {
  CreateSyncJobDto,
  SyncJobDetailView,
  SyncJobView,
  SyncRunView,
  SyncStatsQuery,
  SyncStatsView,
  SyncTemplateView,
} from './sync-jobs.dto';

const schedulerId = (jobId: string) => `sync-cron-${jobId}`;
const DEFAULT_TZ = 'America/Sao_Paulo';

const runView = (r: SyncRun): SyncRunView => ({
  id: r.id,
  status: r.status,
  trigger: r.trigger,
  pages: r.pages,
  cursor: r.cursor,
  read: r.read,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  failed: r.failed,
  failures: r.failures,
  error: r.error,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

const masked = (h: Record<string, string> | undefined) =>
  h ? Object.fromEntries(Object.entries(h).map(([k, v]) => [k, SecretBox.mask(v)])) : undefined;

/** Sync job definitions, their schedulers, starting runs, and the numbers. */
@Injectable()
export class SyncJobsService {
  private readonly logger = new Logger('SyncJobs');

  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @InjectRepository(SyncRun) private readonly runs: Repository<SyncRun>,
    private readonly runner: SyncRunner,
    private readonly connections: ConnectionsService,
    private readonly queue: JobQueue,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  templates(): SyncTemplateView[] {
    return SYNC_JOB_TEMPLATES.map((t) => ({ ...t }));
  }

  async create(caller: Principal, dto: CreateSyncJobDto): Promise<SyncJobView> {
    const template = SYNC_JOB_TEMPLATES.find((t) => t.key === dto.template);
    const schedule =
      dto.schedule === null
        ? null
        : dto.schedule
          ? { cron: dto.schedule.cron, timezone: dto.schedule.timezone ?? DEFAULT_TZ }
          : (template?.schedule ?? null);
    const mapping = dto.mapping ?? template?.mapping ?? '$';
    const keyExpression = dto.key ?? template?.keyExpression ?? 'id';
    const errors: FieldError[] = [
      ...checkSource(dto.source),
      ...checkTarget(dto.target),
      ...checkSchedule(schedule),
    ];
    checkExpression(errors, 'mapping', mapping);
    checkExpression(errors, 'key', keyExpression);
    if (!dto.name && !template) errors.push({ field: 'name', message: 'is required without a template' });
    const { headers: sourceHeaders, ...source } = dto.source as unknown as SyncSource & {
      headers?: Record<string, string>;
    };
    const { headers: targetHeaders, ...target } = dto.target as unknown as SyncTarget & {
      headers?: Record<string, string>;
    };
    if (!errors.length) await this.checkReferences(caller.workspaceId, source, target, errors);
    if (errors.length)
      throw new AccountingProblem('SYNC_JOB_INVALID', 'The sync job is not valid', { errors });
    const id = uuidv7();
    const now = this.clock.now();
    const secrets: JobSecrets = { source: sourceHeaders, target: targetHeaders };
    const job: SyncJob = {
      id,
      workspaceId: caller.workspaceId,
      name: dto.name ?? template!.name,
      template: template?.key ?? null,
      source: source,
      target: target,
      secretsSealed:
        sourceHeaders || targetHeaders
          ? this.box.seal(JSON.stringify(secrets), `sync-job:${id}:secrets`)
          : null,
      mapping,
      keyExpression,
      schedule,
      enabled: dto.enabled ?? true,
      watermark: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.jobs.insert(job);
    await this.syncScheduler(job);
    return this.toView(job, null);
  }

  async list(caller: Principal, q: PageQuery): Promise<Page<SyncJobView>> {
    const page = await paginate(
      this.jobs.createQueryBuilder('j').where('j.workspaceId = :ws', { ws: caller.workspaceId }),
      q,
    );
    const last = await this.lastRuns(page.data.map((j) => j.id));
    return { ...page, data: page.data.map((j) => this.toView(j, last.get(j.id) ?? null)) };
  }

  async get(caller: Principal, id: string): Promise<SyncJobDetailView> {
    const job = await this.find(caller.workspaceId, id);
    const runs = await this.runs.find({ where: { jobId: id }, order: { id: 'DESC' }, take: 20 });
    return { ...this.toView(job, runs[0] ?? null), runs: runs.map(runView) };
  }

  async start(caller: Principal, id: string): Promise<SyncRunView> {
    return runView(await this.runner.start(await this.find(caller.workspaceId, id), 'manual'));
  }

  async stats(caller: Principal, q: SyncStatsQuery): Promise<SyncStatsView> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * 3600_000);
    const [jobs]: Array<{ jobs: number; scheduled: number }> = await this.jobs.query(
      `SELECT count(*)::int AS jobs, count(*) FILTER (WHERE enabled AND schedule IS NOT NULL)::int AS scheduled
       FROM sync_jobs WHERE workspace_id = $1`,
      [caller.workspaceId],
    );
    const rows: Array<
      Record<'status', string> & Record<'n' | 'read' | 'created' | 'updated' | 'unchanged' | 'failed', number>
    > = await this.runs.query(
      `SELECT status, count(*)::int AS n, sum("read")::int AS read, sum(created)::int AS created,
         sum(updated)::int AS updated, sum(unchanged)::int AS unchanged, sum(failed)::int AS failed
       FROM sync_runs WHERE workspace_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY status`,
      [caller.workspaceId, from, to],
    );
    const records = { read: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
    const runs: Record<string, number> = { running: 0, succeeded: 0, failed: 0 };
    for (const r of rows) {
      runs[r.status] = r.n;
      for (const k of Object.keys(records) as Array<keyof typeof records>) records[k] += r[k] ?? 0;
    }
    return {
      jobs: jobs.jobs,
      scheduled: jobs.scheduled,
      runs,
      records,
      from: from.toISOString(),
      to: to.toISOString(),
    };
  }

  private async checkReferences(
    workspaceId: string,
    source: SyncSource,
    target: SyncTarget,
    errors: FieldError[],
  ) {
    for (const [field, ref] of [
      ['source.connectionId', source],
      ['target.connectionId', target],
    ] as const) {
      if (ref.kind === 'connection' && !(await this.connections.account(workspaceId, ref.connectionId)))
        errors.push({ field, message: 'unknown connection' });
    }
    for (const u of jobUrls(source, target)) {
      const refusal = await savedUrlRefusal(u.url, { allowPrivate: this.config.outbound.allowPrivate });
      if (refusal) errors.push({ field: u.field, message: refusal });
    }
  }

  /** Enabled scheduled jobs have a job scheduler; others none. Best effort: the relay repairs. */
  private async syncScheduler(job: SyncJob): Promise<void> {
    const queue = this.queue.queue(SYNC_QUEUE);
    try {
      if (job.enabled && job.schedule)
        await queue.upsertJobScheduler(
          schedulerId(job.id),
          { pattern: job.schedule.cron, tz: job.schedule.timezone },
          { name: 'sync.cron', data: { jobId: job.id } },
        );
      else await queue.removeJobScheduler(schedulerId(job.id));
    } catch (err) {
      this.logger.warn(`scheduler of sync job ${job.id} deferred to the relay: ${(err as Error).message}`);
    }
  }

  @OutboxSweep('sync-schedules')
  async relaySchedulers(): Promise<number> {
    const scheduled = await this.jobs
      .createQueryBuilder('j')
      .where('j.enabled AND j.schedule IS NOT NULL')
      .getMany();
    if (!scheduled.length) return 0;
    const present = new Set((await this.queue.queue(SYNC_QUEUE).getJobSchedulers(0, -1)).map((s) => s.key));
    const missing = scheduled.filter((j) => !present.has(schedulerId(j.id)));
    for (const j of missing) await this.syncScheduler(j);
    return missing.length;
  }

  private async lastRuns(jobIds: string[]): Promise<Map<string, SyncRun>> {
    if (!jobIds.length) return new Map();
    const rows = await this.runs
      .createQueryBuilder('r')
      .distinctOn(['r.jobId'])
      .where('r.jobId IN (:...ids)', { ids: jobIds })
      .orderBy('r.jobId')
      .addOrderBy('r.id', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.jobId, r]));
  }

  private async find(workspaceId: string, id: string): Promise<SyncJob> {
    const job = await this.jobs.findOneBy({ id, workspaceId });
    if (!job) throw notFound('Sync job');
    return job;
  }

  private toView(job: SyncJob, lastRun: SyncRun | null): SyncJobView {
    const secrets = this.runner.secrets(job);
    return {
      id: job.id,
      name: job.name,
      template: job.template,
      source: { ...job.source, ...(secrets.source ? { headers: masked(secrets.source) } : {}) },
      target: { ...job.target, ...(secrets.target ? { headers: masked(secrets.target) } : {}) },
      mapping: job.mapping,
      key: job.keyExpression,
      schedule: job.schedule,
      enabled: job.enabled,
      watermark: job.watermark,
      lastRun: lastRun ? runView(lastRun) : null,
      createdAt: job.createdAt.toISOString(),
      updatedAt: job.updatedAt.toISOString(),
    };
  }
}
