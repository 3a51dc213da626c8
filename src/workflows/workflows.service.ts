import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EndpointsService } from '../deliveries/endpoints/endpoints.service';
import { OutboxSweep } from '../platform/outbox/outbox-relay';
import { TemplatesService } from '../notifications/templates/templates.service';
import { Clock } from '../platform/clock';
import { FieldError, notFound, ProblemException } from '../platform/http/problem';
import { Page, PageQuery, paginate } from '../platform/http/pagination';
import { Principal } from '../platform/http/principal';
import { JobQueue } from '../platform/queue/job-queue.service';
import { OnJob } from '../platform/queue/on-job.decorator';
import { QueueName } from '../platform/queue/queue.registry';
import { applyStepOverrides, BUILTIN_WORKFLOWS, findBuiltinWorkflow } from './builtin-workflows';
import { WorkflowActions } from './workflow-actions';
import { AppConfig } from '../config/config';
import { savedUrlRefusal } from '../platform/outbound/ssrf-guard';
import { checkDefinition, DEFAULT_TIMEZONE, eventsOf, WorkflowDefinition } from './workflow-definition';
import { WorkflowTriggers } from './workflow-triggers';
import { WorkflowExecutions } from './workflow-executions';
import { Workflow } from './workflow.entity';
import { WorkflowVersion } from './workflow-version.entity';
import {
  CreateWorkflowDto,
  FromTemplateDto,
  UpdateWorkflowDto,
  WorkflowTemplateView,
  WorkflowView,
} from './workflows.dto';
import { WorkflowsProblem } from './workflows.problems';

const schedulerId = (workflowId: string) => `wf-cron-${workflowId}`;

/** Definitions (versioned, validated on save), built-in templates, and cron schedulers. */
@Injectable()
export class WorkflowsService {
  private readonly logger = new Logger('Workflows');

  constructor(
    @InjectRepository(Workflow) private readonly workflows: Repository<Workflow>,
    private readonly executions: WorkflowExecutions,
    private readonly triggers: WorkflowTriggers,
    private readonly actions: WorkflowActions,
    private readonly endpoints: EndpointsService,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly templateStore: TemplatesService,
    private readonly config: AppConfig,
  ) {}

  async create(
    caller: Principal,
    dto: CreateWorkflowDto,
    template: string | null = null,
  ): Promise<WorkflowView> {
    const def = { trigger: dto.trigger, steps: dto.steps, cancelOn: dto.cancelOn ?? null };
    await this.validate(caller.workspaceId, def);
    const now = this.clock.now();
    const w: Workflow = {
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      key: dto.key,
      name: dto.name,
      version: 1,
      ...def,
      triggerEvents: triggerEvents(def),
      active: dto.active ?? true,
      template,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    try {
      await this.workflows.manager.transaction(async (tx) => {
        await tx.insert(Workflow, w);
        await tx.insert(WorkflowVersion, versionOf(w));
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new ProblemException('CONFLICT', `A workflow with key "${dto.key}" exists`);
      throw err;
    }
    await this.triggers.changed(w.workspaceId);
    await this.syncScheduler(w);
    return toView(w);
  }

  /** Copies a built-in workflow; `overrides.steps` is merged into the steps by id. */
  async fromTemplate(caller: Principal, dto: FromTemplateDto): Promise<WorkflowView> {
    const builtin = findBuiltinWorkflow(dto.template);
    if (!builtin)
      throw invalid([{ field: 'template', message: `unknown workflow template "${dto.template}"` }]);
    const overrides = dto.overrides ?? {};
    const { steps, unknown } = applyStepOverrides(builtin.steps, overrides.steps ?? {});
    if (unknown.length)
      throw invalid(
        unknown.map((id) => ({
          field: `overrides.steps.${id}`,
          message: `the template has no step "${id}"`,
        })),
      );
    return this.create(
      caller,
      {
        key: dto.key ?? builtin.key,
        name: dto.name ?? builtin.name,
        trigger: overrides.trigger ?? builtin.trigger,
        steps,
        cancelOn: overrides.cancelOn === undefined ? (builtin.cancelOn ?? null) : overrides.cancelOn,
        active: dto.active,
      },
      builtin.key,
    );
  }

  templates(): { data: WorkflowTemplateView[] } {
    return {
      data: BUILTIN_WORKFLOWS.map((b) => ({
        key: b.key,
        name: b.name,
        description: b.description,
        trigger: b.trigger,
        steps: b.steps,
        cancelOn: b.cancelOn ?? null,
      })),
    };
  }

  list(caller: Principal, query: PageQuery): Promise<Page<WorkflowView>> {
    const qb = this.workflows
      .createQueryBuilder('w')
      .where('w.workspaceId = :ws AND w.deletedAt IS NULL', { ws: caller.workspaceId });
    return paginate(qb, query, toView);
  }

  async get(caller: Principal, id: string): Promise<WorkflowView> {
    return toView(await this.find(caller.workspaceId, id));
  }

  /** A change of name, trigger, steps or cancelOn is a new version; running executions keep theirs. */
  async update(caller: Principal, id: string, dto: UpdateWorkflowDto): Promise<WorkflowView> {
    const w = await this.find(caller.workspaceId, id);
    const def = {
      trigger: dto.trigger ?? w.trigger,
      steps: dto.steps ?? w.steps,
      cancelOn: dto.cancelOn === undefined ? w.cancelOn : dto.cancelOn,
    };
    const changed =
      dto.name !== undefined ||
      dto.trigger !== undefined ||
      dto.steps !== undefined ||
      dto.cancelOn !== undefined;
    if (changed) await this.validate(caller.workspaceId, def);
    Object.assign(w, def, {
      name: dto.name ?? w.name,
      active: dto.active ?? w.active,
      triggerEvents: triggerEvents(def),
      updatedAt: this.clock.now(),
    });
    await this.workflows.manager.transaction(async (tx) => {
      if (changed) {
        const [locked]: Array<{ version: number }> = await tx.query(
          'SELECT version FROM workflows WHERE id = $1 FOR UPDATE',
          [w.id],
        );
        w.version = locked.version + 1;
        await tx.insert(WorkflowVersion, versionOf(w));
      }
      const { id: _id, ...fields } = w;
      await tx.update(Workflow, { id: w.id }, fields);
    });
    await this.triggers.changed(w.workspaceId);
    await this.syncScheduler(w);
    return toView(w);
  }

  /** Deleted: it starts nothing more, and its open executions are cancelled. */
  async remove(caller: Principal, id: string): Promise<void> {
    const w = await this.find(caller.workspaceId, id);
    w.deletedAt = this.clock.now();
    w.active = false;
    await this.workflows.update({ id }, { deletedAt: w.deletedAt, active: false });
    await this.triggers.changed(w.workspaceId);
    await this.syncScheduler(w);
    await this.executions.cancelAllOf(id);
  }

  /** A cron tick: one execution per (workflow, tick) whatever the number of workers. */
  @OnJob('workflows.cron')
  async tick(data: { workflowId: string }, job: Job): Promise<void> {
    const w = await this.workflows.findOneBy({ id: data.workflowId, deletedAt: IsNull() });
    if (!w || !w.active || !('schedule' in w.trigger)) return;
    const tickMs = Number(String(job.id).split(':').pop()) || job.timestamp;
    await this.executions.start(w, `cron-${tickMs}`, { scheduledAt: new Date(tickMs) });
  }

  private async find(workspaceId: string, id: string): Promise<Workflow> {
    const w = await this.workflows.findOneBy({ id, workspaceId, deletedAt: IsNull() });
    if (!w) throw notFound('Workflow');
    return w;
  }

  private async validate(workspaceId: string, def: WorkflowDefinition): Promise<void> {
    const { errors, refs } = checkDefinition(def);
    for (const u of refs.urls) {
      const refusal = await savedUrlRefusal(u.url, { allowPrivate: this.config.outbound.allowPrivate });
      if (refusal) errors.push({ field: u.field, message: refusal });
    }
    for (const t of refs.templates) {
      if (!(await this.templateStore.exists(workspaceId, t.key)))
        errors.push({ field: t.field, message: `unknown template "${t.key}"` });
    }
    for (const e of refs.endpoints) {
      const ok =
        /^[0-9a-f-]{36}$/i.test(e.id) &&
        (await this.endpoints.find(workspaceId, e.id).then(
          () => true,
          () => false,
        ));
      if (!ok) errors.push({ field: e.field, message: `unknown endpoint "${e.id}"` });
    }
    for (const a of refs.actions)
      if (!this.actions.has(a.name))
        errors.push({
          field: a.field,
          message: `unknown action "${a.name}" (known: ${this.actions.names().join(', ')})`,
        });
    if (errors.length) throw invalid(errors);
  }

  /** Active scheduled workflows have a job scheduler; others none. Best effort: the relay repairs. */
  private async syncScheduler(w: Workflow): Promise<void> {
    const queue = this.jobs.queue(QueueName.Workflows);
    try {
      if (w.active && !w.deletedAt && 'schedule' in w.trigger) {
        const { cron, timezone } = w.trigger.schedule;
        await queue.upsertJobScheduler(
          schedulerId(w.id),
          { pattern: cron, tz: timezone ?? DEFAULT_TIMEZONE },
          { name: 'workflows.cron', data: { workflowId: w.id } },
        );
      } else await queue.removeJobScheduler(schedulerId(w.id));
    } catch (err) {
      this.logger.warn(`scheduler of workflow ${w.id} deferred to the relay: ${(err as Error).message}`);
    }
  }

  /** After a Redis wipe (or a failed save-time upsert): the schedulers of active cron workflows again. */
  @OutboxSweep('workflow-schedules')
  async relaySchedulers(): Promise<number> {
    const scheduled = await this.workflows
      .createQueryBuilder('w')
      .where(`w.active AND w.deletedAt IS NULL AND jsonb_exists(w.trigger, 'schedule')`)
      .getMany();
    if (scheduled.length === 0) return 0;
    const present = new Set(
      (await this.jobs.queue(QueueName.Workflows).getJobSchedulers(0, -1)).map((s) => s.key),
    );
    const missing = scheduled.filter((w) => !present.has(schedulerId(w.id)));
    for (const w of missing) await this.syncScheduler(w);
    return missing.length;
  }
}

function triggerEvents(def: WorkflowDefinition): string[] {
  return 'event' in def.trigger ? eventsOf(def.trigger.event) : [];
}

function versionOf(w: Workflow): WorkflowVersion {
  return {
    id: uuidv7(),
    workflowId: w.id,
    version: w.version,
    name: w.name,
    trigger: w.trigger,
    steps: w.steps,
    cancelOn: w.cancelOn,
    createdAt: w.updatedAt,
  };
}

const invalid = (errors: FieldError[]) =>
  new WorkflowsProblem('WORKFLOW_INVALID', 'The workflow definition is invalid', { errors });

function toView(w: Workflow): WorkflowView {
  return {
    id: w.id,
    key: w.key,
    name: w.name,
    version: w.version,
    trigger: w.trigger,
    steps: w.steps,
    cancelOn: w.cancelOn,
    active: w.active,
    template: w.template,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}
