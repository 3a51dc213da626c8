import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { compileExpression, evaluate } from '../platform/expression/expression';
import { OnEvent, StoredEvent } from '../events/processing/event-handlers';
import { OutboxSweep, StuckWork } from '../platform/outbox/outbox-relay';
import { EventDetail } from '../events/store/events.service';
import { Clock } from '../platform/clock';
import { Batched } from '../platform/database/batched';
import { selectEntities } from '../platform/database/entity-rows';
import { notFound } from '../platform/http/problem';
import { Page, PageQuery, paginate } from '../platform/http/pagination';
import { Principal } from '../platform/http/principal';
import { JobQueue } from '../platform/queue/job-queue.service';
import { LocalRuns } from '../platform/queue/local-runs';
import { QueueName } from '../platform/queue/queue.registry';
import { eventsOf, EventTrigger, patternsFor, Step } from './workflow-definition';
import { LEASE_SECONDS } from './execution-leases';
import { executionJob, WorkflowRunner } from './workflow-runner';
import { BuiltScope, ScopeEvent, WorkflowScope } from './workflow-scope';
import { depthOfDedupeKey } from './workflow-steps';
import { Workflow } from './workflow.entity';
import { WorkflowTriggers } from './workflow-triggers';
import { WorkflowExecution } from './workflow-execution.entity';
import { WorkflowStepRun } from './workflow-step-run.entity';
import { WorkflowVersion } from './workflow-version.entity';
import { ExecutionSummaryView, ExecutionView, StepRunView } from './workflows.dto';
import { WorkflowsProblem } from './workflows.problems';

const RELAY_BATCH = 2000;

/** An execution's row as `start` inserts it. */
interface ExecutionStart {
  id: string;
  workspace_id: string;
  workflow_id: string;
  version: number;
  trigger_key: string;
  trigger_event_id: string | null;
  scheduled_at: string | null;
  contact_id: string | null;
  depth: number;
  cancel_on_events: string[];
  /** Walked by the starting process (LocalRuns): stored with its lease, and no job. */
  leased: boolean;
}

/**
 * Starting executions (one per workflow and event, or per cron tick), cancelling them (by API or
 * `cancelOn`), retrying, reading them, and relaying their jobs when Redis lost them.
 */
@Injectable()
export class WorkflowExecutions {
  private readonly logger = new Logger('Workflows');
  private readonly starts = new Batched<ExecutionStart, WorkflowExecution | undefined>((items) =>
    this.startMany(items),
  );

  constructor(
    @InjectRepository(WorkflowVersion) private readonly versions: Repository<WorkflowVersion>,
    @InjectRepository(WorkflowExecution) private readonly executions: Repository<WorkflowExecution>,
    @InjectRepository(WorkflowStepRun) private readonly runs: Repository<WorkflowStepRun>,
    private readonly scopes: WorkflowScope,
    private readonly triggers: WorkflowTriggers,
    private readonly runner: WorkflowRunner,
    private readonly local: LocalRuns,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  @EventDetail('executions')
  async ofEvent(workspaceId: string, eventId: string): Promise<unknown[]> {
    return (
      await this.executions.find({ where: { workspaceId, triggerEventId: eventId }, order: { id: 'ASC' } })
    ).map((e) => ({ id: e.id, workflowId: e.workflowId, version: e.version, status: e.status }));
  }

  /** Cancels what the event cancels, then starts what it triggers. Idempotent: a retried event starts nothing twice. */
  @OnEvent('workflows.trigger', '*')
  async onEvent(event: StoredEvent): Promise<void> {
    const { workflows, mayCancel } = await this.triggers.of(event.workspaceId, event.type);
    if (mayCancel) await this.cancelMatching(event);
    if (workflows.length === 0) return;
    // A source's event was not emitted by a workflow: its depth is 0.
    const depth = event.sourceId ? 0 : depthOfDedupeKey(event.dedupeKey);
    // Only a filter needs the scope now; without one the walk finds the contact (one lookup, not two).
    const filtered = workflows.some((w) => (w.trigger as EventTrigger).filter);
    const { scope, contactId } = filtered
      ? await this.scopes.build(event.workspaceId, scopeEventOf(event), null)
      : { scope: null, contactId: null };
    let walks = 0;
    for (const w of workflows) {
      const filter = (w.trigger as EventTrigger).filter;
      if (filter && scope) {
        try {
          if (!(await evaluate(compileExpression(filter), scope, {}, { timeoutMs: 200 }))) continue;
        } catch (err) {
          this.logger.warn(`workflow ${w.id} filter failed on event ${event.id}: ${(err as Error).message}`);
          continue;
        }
      }
      // Each walk gets its own copy of the data (the first gets this handler's own).
      const data = walks++ ? structuredClone(event.data) : event.data;
      await this.start(w, event.id, {
        triggerEventId: event.id,
        contactId,
        depth,
        event: scopeEventOf({ ...event, data }),
      });
    }
  }

  /**
   * One execution per (workflow, trigger key), walked at once in this process when it has a place
   * (LocalRuns), else by a job. Starts of concurrent jobs share one INSERT and one addBulk. The
   * walk is not awaited: the start is durable once stored, and the trigger's job goes on.
   */
  async start(
    w: Workflow,
    triggerKey: string,
    fields: {
      triggerEventId?: string;
      scheduledAt?: Date;
      contactId?: string | null;
      depth?: number;
      /** The trigger event as stored (saves the walk reading it). */
      event?: ScopeEvent;
    },
  ): Promise<void> {
    const here = this.local.take('walks');
    const leasedAt = Date.now(); // the lease runs from no later than this
    // A walk here builds its scope (the contact lookup) while the execution is being stored.
    const built =
      here && fields.event
        ? this.scopes.build(w.workspaceId, fields.event, fields.contactId ?? null)
        : undefined;
    built?.catch(() => undefined); // its failure is the walk's, if there is one
    let exec: WorkflowExecution | undefined;
    try {
      exec = await this.starts.run(this.startOf(w, triggerKey, fields, here));
    } catch (err) {
      if (here) this.local.release('walks');
      throw err;
    }
    if (!here) return;
    if (!exec) return this.local.release('walks'); // started before: a retried event starts nothing twice
    const started = exec;
    this.local.run('walks', () => this.walkHere(started, fields.event, leasedAt, built));
  }

  /**
   * A walk here that threw has given its lease back (WorkflowRunner): a job takes the execution
   * over. Should Redis refuse that job too, the relay offers the execution once it counts as lost.
   */
  private async walkHere(
    exec: WorkflowExecution,
    event: ScopeEvent | undefined,
    leasedAt: number,
    built: Promise<BuiltScope> | undefined,
  ) {
    try {
      await this.runner.walkStarted(exec, event, leasedAt, built);
    } catch (err) {
      this.logger.warn(`execution ${exec.id}: walk handed to a job (${(err as Error).message})`);
      await this.jobs.enqueueBulk([executionJob(exec.id, exec.seq)]).catch(() => undefined);
    }
  }

  private startOf(
    w: Workflow,
    triggerKey: string,
    fields: { triggerEventId?: string; scheduledAt?: Date; contactId?: string | null; depth?: number },
    leased: boolean,
  ): ExecutionStart {
    return {
      id: uuidv7(),
      workspace_id: w.workspaceId,
      workflow_id: w.id,
      version: w.version,
      trigger_key: triggerKey,
      trigger_event_id: fields.triggerEventId ?? null,
      scheduled_at: fields.scheduledAt?.toISOString() ?? null,
      contact_id: fields.contactId ?? null,
      depth: fields.depth ?? 0,
      cancel_on_events: w.cancelOn ? eventsOf(w.cancelOn.event) : [],
      leased,
    };
  }

  /** Inserts the new executions; answers each one walked here as stored, and gives the others their job. */
  private async startMany(items: ExecutionStart[]): Promise<Array<WorkflowExecution | undefined>> {
    const sorted = [...items].sort((a, b) =>
      a.workflow_id === b.workflow_id
        ? a.trigger_key.localeCompare(b.trigger_key)
        : a.workflow_id.localeCompare(b.workflow_id),
    );
    const inserted = await selectEntities(
      this.executions,
      `INSERT INTO workflow_executions (id, workspace_id, workflow_id, version, trigger_key, trigger_event_id, scheduled_at,
         contact_id, depth, cancel_on_events, status, seq, started_at, updated_at, lease_until)
       SELECT id, workspace_id, workflow_id, version, trigger_key, trigger_event_id, scheduled_at, contact_id, depth,
         ARRAY(SELECT jsonb_array_elements_text(cancel_on_events)), 'running', 0, $2, $2,
         CASE WHEN leased THEN now() + make_interval(secs => ${LEASE_SECONDS}) END
       FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, workspace_id uuid, workflow_id uuid, version int, trigger_key text,
         trigger_event_id uuid, scheduled_at timestamptz, contact_id uuid, depth int, cancel_on_events jsonb, leased boolean)
       ON CONFLICT (workflow_id, trigger_key) DO NOTHING RETURNING *`,
      [JSON.stringify(sorted), this.clock.now()],
    );
    const queued = inserted.filter((e) => e.leaseUntil === null);
    if (queued.length) await this.jobs.enqueueBulk(queued.map((e) => executionJob(e.id, 0)));
    const walked = new Map(inserted.filter((e) => e.leaseUntil !== null).map((e) => [e.id, e]));
    return items.map((i) => walked.get(i.id));
  }

  private async cancelMatching(event: StoredEvent): Promise<void> {
    const candidates = await this.executions
      .createQueryBuilder('e')
      .where(`e.workspaceId = :ws AND e.status IN ('running', 'waiting') AND e.cancelOnEvents && :patterns`, {
        ws: event.workspaceId,
        patterns: patternsFor(event.type),
      })
      .andWhere('(e.triggerEventId IS NULL OR e.triggerEventId <> :eventId)', { eventId: event.id })
      .getMany();
    for (const exec of candidates) {
      const version = await this.versions.findOneBy({ workflowId: exec.workflowId, version: exec.version });
      const match = version?.cancelOn?.match;
      if (match) {
        const trigger = exec.triggerEventId ? await this.scopes.event(exec.triggerEventId) : null;
        const input = {
          event: {
            id: event.id,
            type: event.type,
            occurredAt: new Date(event.occurredAt).toISOString(),
            data: event.data,
          },
          trigger,
        };
        try {
          if (!(await evaluate(compileExpression(match), input, {}, { timeoutMs: 200 }))) continue;
        } catch (err) {
          this.logger.warn(`cancelOn of execution ${exec.id} failed: ${(err as Error).message}`);
          continue;
        }
      }
      await this.cancelOne(exec.id, `cancelled by ${event.type} ${event.id}`);
    }
  }

  /** Running or waiting → cancelled; its timer (if Redis still has it) is removed. */
  private async cancelOne(id: string, reason: string): Promise<boolean> {
    const now = this.clock.now();
    const [rows]: [Array<{ seq: number }>] = await this.executions.query(
      `UPDATE workflow_executions SET status = 'cancelled', error = $2, finished_at = $3, updated_at = $3,
         lease_until = NULL, wake_at = NULL
       WHERE id = $1 AND status IN ('running', 'waiting') RETURNING seq`,
      [id, reason, now],
    );
    if (!rows[0]) return false;
    await this.runs.update(
      { executionId: id, status: In(['running', 'pending']) },
      { status: 'cancelled', finishedAt: now },
    );
    await this.jobs
      .queue(QueueName.Workflows)
      .remove(`wf-${id}-${rows[0].seq}`)
      .catch(() => undefined); // a stale job does nothing anyway
    return true;
  }

  async cancel(caller: Principal, id: string): Promise<ExecutionView> {
    await this.find(caller.workspaceId, id);
    if (!(await this.cancelOne(id, 'cancelled by request')))
      throw new WorkflowsProblem('EXECUTION_NOT_CANCELLABLE', 'The execution is not running or waiting');
    return this.get(caller, id);
  }

  /** A failed execution runs again from its failed step (the steps that succeeded are not repeated). */
  async retry(caller: Principal, id: string): Promise<ExecutionView> {
    await this.find(caller.workspaceId, id);
    const [rows]: [Array<{ seq: number }>] = await this.executions.query(
      `UPDATE workflow_executions SET status = 'running', error = NULL, failed_step = NULL, finished_at = NULL,
         seq = seq + 1, lease_until = NULL, updated_at = $2
       WHERE id = $1 AND status = 'failed' RETURNING seq`,
      [id, this.clock.now()],
    );
    if (!rows[0])
      throw new WorkflowsProblem('EXECUTION_NOT_RETRYABLE', 'Only a failed execution can be retried');
    await this.jobs.enqueueBulk([executionJob(id, rows[0].seq)]);
    return this.get(caller, id);
  }

  /** Cancels every open execution of a deleted workflow. */
  async cancelAllOf(workflowId: string): Promise<void> {
    const open = await this.executions.find({
      where: { workflowId, status: In(['running', 'waiting']) },
      select: { id: true },
    });
    for (const e of open) await this.cancelOne(e.id, 'workflow deleted');
  }

  async list(caller: Principal, workflowId: string, query: PageQuery): Promise<Page<ExecutionSummaryView>> {
    const qb = this.executions
      .createQueryBuilder('e')
      .where('e.workspaceId = :ws AND e.workflowId = :workflowId', { ws: caller.workspaceId, workflowId });
    return paginate(qb, query, summary);
  }

  async get(caller: Principal, id: string): Promise<ExecutionView> {
    const exec = await this.find(caller.workspaceId, id);
    const version = await this.versions.findOneByOrFail({
      workflowId: exec.workflowId,
      version: exec.version,
    });
    const rows = new Map((await this.runs.findBy({ executionId: id })).map((r) => [r.stepId, r]));
    const steps: StepRunView[] = [];
    const visit = (list: Step[], path: string) =>
      list.forEach((step, i) => {
        const r = rows.get(step.id);
        const unreached = exec.status === 'cancelled' ? 'cancelled' : 'pending';
        steps.push({
          id: step.id,
          type: step.type,
          path: `${path}.${i}`,
          status: r?.status ?? unreached,
          attempts: r?.attempts ?? 0,
          startedAt: r?.startedAt?.toISOString() ?? null,
          finishedAt: r?.finishedAt?.toISOString() ?? null,
          output: r?.output ?? null,
          error: r?.error ?? null,
        });
        if (step.type === 'branch') {
          visit(step.then, `${path}.${i}.then`);
          visit(step.else ?? [], `${path}.${i}.else`);
        }
      });
    visit(version.steps, 'steps');
    return { ...summary(exec), steps };
  }

  private async find(workspaceId: string, id: string): Promise<WorkflowExecution> {
    const exec = await this.executions.findOneBy({ id, workspaceId });
    if (!exec) throw notFound('Execution');
    return exec;
  }

  /**
   * Redis may have lost the jobs: waiting executions get their timer again (fired at once when
   * overdue), runnable ones their job; a lease that expired means its worker died, so a new job.
   */
  @OutboxSweep('workflows')
  async relayOpen(graceSeconds: number): Promise<number> {
    const waiting: Array<{ id: string; seq: number; wake_at: Date }> = await this.executions.query(
      `SELECT id, seq, wake_at FROM workflow_executions WHERE status = 'waiting' ORDER BY wake_at LIMIT ${RELAY_BATCH}`,
    );
    const lost: Array<{ id: string; seq: number }> = await this.executions.query(
      `SELECT id, seq FROM workflow_executions WHERE status = 'running' AND lease_until IS NULL
         AND updated_at < now() - make_interval(secs => $1) LIMIT ${RELAY_BATCH}`,
      [graceSeconds],
    );
    const [dead]: [Array<{ id: string; seq: number }>] = await this.executions.query(
      `UPDATE workflow_executions SET seq = seq + 1, lease_until = NULL
       WHERE id IN (SELECT id FROM workflow_executions WHERE status = 'running' AND lease_until < now() LIMIT ${RELAY_BATCH})
       RETURNING id, seq`,
    );
    const now = this.clock.nowMs();
    const jobs = [
      ...waiting.map((e) => executionJob(e.id, e.seq, new Date(e.wake_at).getTime() - now)),
      ...[...lost, ...dead].map((e) => executionJob(e.id, e.seq)),
    ];
    return jobs.length ? this.jobs.reoffer(jobs) : 0;
  }

  /** Running with no progress, or waiting past their wake time, for longer than the threshold. */
  @StuckWork('workflows')
  async countStuck(thresholdSeconds: number): Promise<number> {
    const [row]: Array<{ n: string }> = await this.executions.query(
      `SELECT count(*) AS n FROM workflow_executions
       WHERE (status = 'running' AND updated_at < now() - make_interval(secs => $1)
              AND (lease_until IS NULL OR lease_until < now()))
          OR (status = 'waiting' AND wake_at < now() - make_interval(secs => $1))`,
      [thresholdSeconds],
    );
    return Number(row.n);
  }
}

function summary(e: WorkflowExecution): ExecutionSummaryView {
  return {
    id: e.id,
    workflowId: e.workflowId,
    version: e.version,
    status: e.status,
    triggerEventId: e.triggerEventId,
    scheduledAt: e.scheduledAt?.toISOString() ?? null,
    contactId: e.contactId,
    wakeAt: e.wakeAt?.toISOString() ?? null,
    error: e.error,
    failedStep: e.failedStep,
    startedAt: e.startedAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
  };
}

function scopeEventOf(event: StoredEvent): ScopeEvent {
  return {
    id: event.id,
    type: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    data: event.data,
  };
}
