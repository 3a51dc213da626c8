import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { LruCache } from '../platform/cache/lru';
import { Clock } from '../platform/clock';
import { Outcomes } from '../platform/outcomes/outcomes';
import { ProblemException } from '../platform/http/problem';
import { dependencyOutage, untilReachable } from '../platform/queue/dependency-outage';
import { EnqueueItem, JobQueue } from '../platform/queue/job-queue.service';
import { OnJob } from '../platform/queue/on-job.decorator';
import { parseDuration } from './iso-duration';
import { ExecutionLeases, LEASE_SECONDS, StepRunState } from './execution-leases';
import { StepError } from './step-error';
import { StepWrite, StepWrites } from './step-writes';
import { allSteps, DelayStep, Step } from './workflow-definition';
import { BuiltScope, ScopeEvent, WorkflowScope } from './workflow-scope';
import { evaluateField, StepContext, WorkflowSteps } from './workflow-steps';
import { WorkflowExecution } from './workflow-execution.entity';
import { WorkflowStepRun } from './workflow-step-run.entity';
import { WorkflowVersion } from './workflow-version.entity';

type Outcome = 'done' | 'waiting' | 'failed' | 'stopped';
type StepBase = Pick<StepWrite, 'executionId' | 'seq' | 'stepId' | 'type' | 'contactId'>;

/** One walk of an execution by the job holding its lease. */
interface Walk {
  exec: WorkflowExecution;
  rows: Map<string, StepRunState>;
  ctx: StepContext;
  /** When the lease was taken or last renewed (this process's time). */
  leasedAt: number;
  /** The last step's write ended the execution. */
  finished: boolean;
  /** The contact found now for an execution stored without one (its finish or wait stores it). */
  foundContactId: string | null;
}

/** The one live job of an execution: `wf-<execution>-<seq>`, delayed until it is due. */
export function executionJob(
  executionId: string,
  seq: number,
  delayMs = 0,
): EnqueueItem<{ executionId: string; seq: number }> {
  return {
    name: 'workflows.run',
    data: { executionId, seq },
    opts: { jobId: `wf-${executionId}-${seq}`, delay: delayMs > 0 ? delayMs : undefined },
  };
}

/**
 * Walks an execution's version from the top: steps already succeeded or skipped are passed (a
 * branch takes the path it took), the first other one runs. So a crash or a retry resumes where it
 * stopped and no finished step runs twice. A delay not yet due parks the execution as `waiting`
 * with its `wake_at` and a delayed job.
 */
@Injectable()
export class WorkflowRunner {
  private readonly logger = new Logger('Workflows');
  // A version is never changed once saved (an edit makes the next one): read each once.
  private readonly versionCache = new LruCache<string, WorkflowVersion>(1000);

  constructor(
    @InjectRepository(WorkflowExecution) private readonly executions: Repository<WorkflowExecution>,
    @InjectRepository(WorkflowVersion) private readonly versions: Repository<WorkflowVersion>,
    @InjectRepository(WorkflowStepRun) private readonly runs: Repository<WorkflowStepRun>,
    private readonly leases: ExecutionLeases,
    private readonly stepWrites: StepWrites,
    private readonly steps: WorkflowSteps,
    private readonly scopes: WorkflowScope,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly outcomes: Outcomes,
  ) {}

  @OnJob('workflows.run')
  async run(data: { executionId: string; seq: number }): Promise<void> {
    const askedAt = Date.now(); // the lease runs from no later than this
    const leased = await this.leases.take(data.executionId, data.seq);
    if (leased) return this.walkExecution(leased.exec, leased.runs, askedAt);
    const exec = await this.executions.findOneBy({ id: data.executionId });
    if (!exec || exec.seq !== data.seq || exec.status !== 'waiting') return; // done, stale, or another worker walks it
    if (exec.wakeAt && exec.wakeAt.getTime() > this.clock.nowMs()) {
      // Early (a promoted or re-offered job): a fresh timer for the rest of the wait.
      await this.park(exec.id, exec.seq, exec.wakeAt);
    }
  }

  private async version(workflowId: string, version: number): Promise<WorkflowVersion> {
    const key = `${workflowId}:${version}`;
    const cached = this.versionCache.get(key);
    if (cached) return cached;
    const found = await this.versions.findOneByOrFail({ workflowId, version });
    this.versionCache.set(key, found);
    return found;
  }

  /**
   * A new execution its starter leased when it stored it, walked in the starter's process: no job,
   * no lease statement, and the trigger event as the starter has it (what the stored one holds).
   * When it throws, the lease is free again and the caller hands the execution to a job. `built`:
   * the scope, when the starter built it while storing the execution.
   */
  walkStarted(
    exec: WorkflowExecution,
    event: ScopeEvent | undefined,
    leasedAt: number,
    built?: Promise<BuiltScope>,
  ): Promise<void> {
    return this.walkExecution(exec, [], leasedAt, event, built);
  }

  private async walkExecution(
    exec: WorkflowExecution,
    stored: StepRunState[],
    leasedAt: number,
    known?: ScopeEvent,
    built?: Promise<BuiltScope>,
  ): Promise<void> {
    let walked: { walk: Walk; outcome: Outcome };
    try {
      walked = await this.walkFromTop(exec, stored, leasedAt, known, built);
    } catch (err) {
      // Free the lease so that this job, put back after an outage (or the job a walk started
      // here hands it to), can take it again at once.
      const release = () =>
        this.executions.update({ id: exec.id, seq: exec.seq, status: 'running' }, { leaseUntil: null });
      await (dependencyOutage(err) ? untilReachable(release) : release());
      throw err;
    }
    const { walk, outcome } = walked;
    if (outcome === 'done' && !walk.finished) {
      const now = this.clock.now();
      await this.executions.update(
        { id: exec.id, seq: exec.seq, status: 'running' },
        {
          status: 'succeeded',
          finishedAt: now,
          updatedAt: now,
          leaseUntil: null,
          ...(walk.foundContactId ? { contactId: walk.foundContactId } : {}),
        },
      );
    }
    if (outcome === 'done' || outcome === 'failed')
      await this.outcomes.report({
        kind: 'workflow.execution',
        id: exec.id,
        workspaceId: exec.workspaceId,
        at: this.clock.now(),
        status: outcome === 'done' ? 'succeeded' : 'failed',
        workflow: exec.workflowId,
      });
  }

  /** The scope the execution's expressions see, then the walk of its version from the top. */
  private async buildScope(exec: WorkflowExecution, known: ScopeEvent | undefined): Promise<BuiltScope> {
    const event =
      known ??
      (exec.triggerEventId
        ? await this.scopes.event(exec.triggerEventId)
        : this.scopes.scheduleEvent(exec.scheduledAt ?? exec.startedAt));
    return this.scopes.build(
      exec.workspaceId,
      event ?? {
        id: exec.triggerEventId,
        type: 'unknown',
        occurredAt: exec.startedAt.toISOString(),
        data: {},
      },
      exec.contactId,
    );
  }

  private async walkFromTop(
    exec: WorkflowExecution,
    stored: StepRunState[],
    leasedAt: number,
    known: ScopeEvent | undefined,
    built?: Promise<BuiltScope>,
  ): Promise<{ walk: Walk; outcome: Outcome }> {
    const version = await this.version(exec.workflowId, exec.version);
    const { scope, contactId, known: lookedUp } = await (built ?? this.buildScope(exec, known));
    const rows = new Map(stored.map((r) => [r.stepId, r]));
    for (const r of rows.values())
      if (r.status === 'succeeded') scope.steps[r.stepId] = { status: r.status, output: r.output };
    const ctx: StepContext = {
      workspaceId: exec.workspaceId,
      executionId: exec.id,
      depth: exec.depth,
      contactId,
      known: lookedUp,
      scope,
    };
    const foundContactId = exec.contactId ? null : contactId;
    const walk: Walk = { exec, rows, ctx, leasedAt, finished: false, foundContactId };
    return { walk, outcome: await this.walk(version.steps, walk, true) };
  }

  /**
   * The lease is renewed only when half of it has gone (a short execution never renews); whether
   * the execution is still this job's is checked by every step-run write.
   */
  private async holdLease(walk: Walk): Promise<boolean> {
    if (Date.now() - walk.leasedAt < (LEASE_SECONDS * 1000) / 2) return true;
    walk.leasedAt = Date.now();
    return this.leases.renew(walk.exec.id, walk.exec.seq);
  }

  private async walk(steps: Step[], walk: Walk, top: boolean): Promise<Outcome> {
    const { exec, rows, ctx } = walk;
    for (const [index, step] of steps.entries()) {
      const row = rows.get(step.id);
      if (row?.status === 'skipped') continue;
      if (row?.status === 'succeeded') {
        if (step.type !== 'branch') continue;
        const taken = (row.output as { result?: boolean } | null)?.result ? step.then : (step.else ?? []);
        const inner = await this.walk(taken, walk, false);
        if (inner !== 'done') return inner;
        continue;
      }
      if (!(await this.holdLease(walk))) return 'stopped'; // cancelled, or taken over
      const now = this.clock.now();
      ctx.scope.now = now.toISOString();
      // The last step of the definition ends the execution in its own write.
      const last = top && index === steps.length - 1 && step.type !== 'branch';
      const base = {
        executionId: exec.id,
        seq: exec.seq,
        stepId: step.id,
        type: step.type,
        contactId: walk.foundContactId,
      };
      if (step.type === 'delay') {
        let wakeAt: Date;
        try {
          wakeAt = await this.wakeAtOf(step, row, ctx);
        } catch (err) {
          await this.fail(base, err, { startedAt: row ? null : now, attempt: 1 });
          return 'failed';
        }
        if (wakeAt.getTime() > now.getTime()) {
          const ours = await this.stepWrites.write({
            ...base,
            status: 'running',
            output: { wakeAt: wakeAt.toISOString() },
            startedAt: row ? null : now,
            attempt: 0,
          });
          if (!ours) return 'stopped';
          await this.wait(exec, wakeAt, walk.foundContactId);
          return 'waiting';
        }
        const output = { wakeAt: wakeAt.toISOString(), firedAt: now.toISOString() };
        if (!(await this.succeed(walk, base, output, { startedAt: row ? null : now, attempt: 0, last })))
          return 'stopped';
        continue;
      }
      // A step whose effect is not keyed by (execution, step) is marked before it runs.
      const marked = step.type === 'webhook';
      if (
        marked &&
        !(await this.stepWrites.write({ ...base, status: 'running', startedAt: now, attempt: 1 }))
      )
        return 'stopped';
      try {
        const output = await this.execute(step, ctx);
        const opts = marked
          ? { startedAt: null, attempt: 0 as const }
          : { startedAt: now, attempt: 1 as const };
        if (!(await this.succeed(walk, base, output, { ...opts, last }))) return 'stopped';
        if (step.type === 'branch') {
          const other = (output as { result: boolean }).result ? (step.else ?? []) : step.then;
          await this.skip(exec.id, other);
          const inner = await this.walk(
            (output as { result: boolean }).result ? step.then : (step.else ?? []),
            walk,
            false,
          );
          if (inner !== 'done') return inner;
        }
      } catch (err) {
        if (dependencyOutage(err)) throw err; // not the step's failure: the job is put back
        await this.fail(base, err, marked ? { startedAt: null, attempt: 0 } : { startedAt: now, attempt: 1 });
        return 'failed';
      }
    }
    return 'done';
  }

  private async execute(step: Step, ctx: StepContext): Promise<unknown> {
    // The scope's contact lookup is offered to the first step run only: any step may change it.
    const known = ctx.known;
    ctx.known = undefined;
    switch (step.type) {
      case 'notify':
        return this.steps.notify(step, ctx, known);
      case 'webhook':
        return this.steps.webhook(step, ctx);
      case 'emit':
        return this.steps.emit(step, ctx);
      case 'action':
        return this.steps.action(step, ctx);
      case 'branch':
        return { result: Boolean(await evaluateField(step.if, ctx.scope, 'if')) };
      default:
        throw new StepError(`Unknown step type "${(step as Step).type}"`);
    }
  }

  /** A duration counts from when the delay was first reached; `until` is evaluated then too. */
  private async wakeAtOf(step: DelayStep, row: StepRunState | undefined, ctx: StepContext): Promise<Date> {
    const stored = (row?.output as { wakeAt?: string } | null)?.wakeAt;
    if (row?.status === 'running' && stored) return new Date(stored);
    if (step.duration) return new Date(this.clock.nowMs() + (parseDuration(step.duration) ?? 0));
    const until = await evaluateField(step.until!, ctx.scope, 'until');
    const at = typeof until === 'string' || typeof until === 'number' ? new Date(until) : undefined;
    if (!at || Number.isNaN(at.getTime()))
      throw new StepError(`until evaluated to ${JSON.stringify(until)}, not a time`);
    return at;
  }

  private async wait(exec: WorkflowExecution, wakeAt: Date, contactId: string | null): Promise<void> {
    const [rows]: [Array<{ seq: number }>] = await this.executions.query(
      `UPDATE workflow_executions SET status = 'waiting', wake_at = $2, seq = seq + 1, lease_until = NULL, updated_at = $3,
         contact_id = COALESCE(contact_id, $5)
       WHERE id = $1 AND seq = $4 AND status = 'running' RETURNING seq`,
      [exec.id, wakeAt, this.clock.now(), exec.seq, contactId],
    );
    if (rows[0])
      await this.jobs.enqueueBulk([
        executionJob(exec.id, rows[0].seq, wakeAt.getTime() - this.clock.nowMs()),
      ]);
  }

  /** A new timer for a waiting execution (its job came early). */
  private async park(id: string, seq: number, wakeAt: Date): Promise<void> {
    const [rows]: [Array<{ seq: number }>] = await this.executions.query(
      `UPDATE workflow_executions SET seq = seq + 1 WHERE id = $1 AND seq = $2 AND status = 'waiting' RETURNING seq`,
      [id, seq],
    );
    if (rows[0])
      await this.jobs.enqueueBulk([executionJob(id, rows[0].seq, wakeAt.getTime() - this.clock.nowMs())]);
  }

  /** The step's success; with `last`, the execution's too (walk.finished). False when no longer ours. */
  private async succeed(
    walk: Walk,
    base: StepBase,
    output: unknown,
    opts: { startedAt: Date | null; attempt: 0 | 1; last: boolean },
  ): Promise<boolean> {
    const ours = await this.stepWrites.write({
      ...base,
      status: 'succeeded',
      output,
      startedAt: opts.startedAt,
      attempt: opts.attempt,
      finish: opts.last ? 'succeeded' : undefined,
    });
    if (!ours) return false;
    walk.finished = opts.last;
    walk.ctx.scope.steps[base.stepId] = { status: 'succeeded', output };
    return true;
  }

  private async skip(executionId: string, steps: Step[]): Promise<void> {
    const all = [...allSteps(steps)];
    if (all.length === 0) return;
    await this.runs.query(
      `INSERT INTO workflow_step_runs (id, execution_id, step_id, type, status, attempts)
       SELECT id, $2, sid, t, 'skipped', 0 FROM unnest($1::uuid[], $3::text[], $4::text[]) AS u(id, sid, t)
       ON CONFLICT (execution_id, step_id) DO NOTHING`,
      [all.map(() => uuidv7()), executionId, all.map((s) => s.id), all.map((s) => s.type)],
    );
  }

  private async fail(
    base: StepBase,
    err: unknown,
    opts: { startedAt: Date | null; attempt: 0 | 1 },
  ): Promise<void> {
    const message = describe(err);
    if (!(err instanceof StepError) && !(err instanceof ProblemException))
      this.logger.warn(`execution ${base.executionId} step ${base.stepId} failed: ${message}`);
    await this.stepWrites.write({ ...base, status: 'failed', error: message, ...opts, finish: 'failed' });
  }
}

function describe(err: unknown): string {
  if (err instanceof ProblemException) {
    const fields = err.extras.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return `${err.code}: ${err.message}${fields ? ` (${fields})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
