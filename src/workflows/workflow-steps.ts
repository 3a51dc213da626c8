import type { WorkspaceProfile } from '../gateway/workspaces/workspaces.service';
import { Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { compileExpression, evaluate, ExpressionError, toJson } from '../platform/expression/expression';
import { DeliveriesService } from '../deliveries/sending/deliveries.service';
import { EventBus } from '../events/bus/event-bus';
import { Channel } from '../notifications/channels';
import type { KnownContact } from '../notifications/contacts/contacts.service';
import { NotificationsService } from '../notifications/sending/notifications.service';
import { Clock } from '../platform/clock';
import { ProblemException } from '../platform/http/problem';
import { OutboundError, OutboundHttp } from '../platform/outbound/outbound-http';
import { StepError } from './step-error';
import { ActionContext, WorkflowActions } from './workflow-actions';
import { ActionStep, EmitStep, MAX_EMIT_DEPTH, NotifyStep, WebhookStep } from './workflow-definition';

/** Namespace of the ids derived from (execution, step): notifications, deliveries. */
export const STEP_NAMESPACE = '3b2d7a0c-5f4e-5a1b-8c9d-0e1f2a3b4c5d';
const EXPRESSION_TIMEOUT_MS = 200;
const RESPONSE_EXCERPT = 1024;

/** What a step sees and where it runs. */
export interface StepContext {
  workspaceId: string;
  executionId: string;
  depth: number;
  contactId: string | null;
  /**
   * The contact lookup made with the scope, for the walk's first step only (a step may change the
   * contact): a notify step's consent check takes it instead of asking again.
   */
  known?: KnownContact;
  /** `{event, steps, contact, now, workspace}`: the input of every expression. */
  scope: {
    event: ActionContext['event'] & { occurredAt: string };
    steps: Record<string, { status: string; output: unknown }>;
    contact: Record<string, unknown> | null;
    now: string;
    workspace: WorkspaceProfile;
  };
}

/** Evaluates one of the step's expressions; a JSONata failure is the step's, named by its field. */
export async function evaluateField(source: string, input: unknown, field: string): Promise<unknown> {
  try {
    return toJson(await evaluate(compileExpression(source), input, {}, { timeoutMs: EXPRESSION_TIMEOUT_MS }));
  } catch (err) {
    if (err instanceof ExpressionError) throw new StepError(`${field}: ${err.message} (${err.code})`);
    throw err;
  }
}

/** The steps with effects outside the execution: notify, webhook, emit and action. */
@Injectable()
export class WorkflowSteps {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly deliveries: DeliveriesService,
    private readonly http: OutboundHttp,
    private readonly bus: EventBus,
    private readonly actions: WorkflowActions,
    private readonly clock: Clock,
  ) {}

  async notify(step: NotifyStep, ctx: StepContext, known?: KnownContact): Promise<unknown> {
    const to = recipient(await evaluateField(step.to, ctx.scope, 'to'));
    const data = step.data === undefined ? {} : await evaluateField(step.data, ctx.scope, 'data');
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw new StepError('data must evaluate to an object');
    const groups = (step.fallback ? [step.channels] : step.channels.map((c) => [c])) as Channel[][];
    const sent: Array<{ channels: Channel[]; notificationId: string; status: string }> = [];
    const unreachable: Channel[][] = [];
    for (const channels of groups) {
      const id = uuidv5(`${ctx.executionId}/${step.id}/${channels.join(',')}`, STEP_NAMESPACE);
      try {
        const accepted = await this.notifications.sendFor(
          ctx.workspaceId,
          {
            to: { ...to },
            channels,
            template: step.template,
            data: data as Record<string, unknown>,
            category: step.category as 'transactional' | 'marketing' | undefined,
          },
          { id, sendHere: true, known },
        );
        sent.push({ channels, notificationId: accepted.id, status: accepted.status });
      } catch (err) {
        if (err instanceof ProblemException && err.code === 'RECIPIENT_UNREACHABLE')
          unreachable.push(channels);
        else throw err;
      }
    }
    if (sent.length === 0)
      throw new StepError(`The recipient has no address for ${step.channels.join(', ')}`);
    return { notifications: sent, unreachable };
  }

  async webhook(step: WebhookStep, ctx: StepContext): Promise<unknown> {
    const body =
      step.body === undefined ? ctx.scope.event.data : await evaluateField(step.body, ctx.scope, 'body');
    const key = uuidv5(`${ctx.executionId}/${step.id}`, STEP_NAMESPACE);
    if (step.endpointId) {
      const ids = await this.deliveries.deliverPayload(
        ctx.workspaceId,
        { endpointId: step.endpointId },
        { type: 'workflow.webhook', data: body },
        key,
      );
      return { deliveryIds: ids };
    }
    try {
      const res = await this.http.request({
        url: step.url!,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body ?? null),
      });
      const excerpt = res.body.slice(0, RESPONSE_EXCERPT);
      if (res.status < 200 || res.status > 299)
        throw new StepError(`${step.url} answered ${res.status}: ${excerpt}`);
      return { status: res.status, body: parseMaybe(excerpt) };
    } catch (err) {
      if (err instanceof OutboundError) throw new StepError(`${step.url}: ${err.message}`);
      throw err;
    }
  }

  /** The new event carries its depth in its dedupe key (`wf-<execution>-<step>-d<depth>`). */
  async emit(step: EmitStep, ctx: StepContext): Promise<unknown> {
    const depth = ctx.depth + 1;
    if (depth > MAX_EMIT_DEPTH)
      throw new StepError(`Loop guard: this event would be ${depth} emits deep (at most ${MAX_EMIT_DEPTH})`);
    const data = step.data === undefined ? {} : await evaluateField(step.data, ctx.scope, 'data');
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw new StepError('data must evaluate to an object');
    const written = await this.bus.emit(ctx.workspaceId, step.event, data as Record<string, unknown>, {
      dedupeKey: `wf-${ctx.executionId}-${step.id}-d${depth}`,
    });
    return { eventId: written.id };
  }

  async action(step: ActionStep, ctx: StepContext): Promise<unknown> {
    const input =
      step.input === undefined ? ctx.scope.event.data : await evaluateField(step.input, ctx.scope, 'input');
    return this.actions.run(
      step.name,
      {
        workspaceId: ctx.workspaceId,
        executionId: ctx.executionId,
        stepId: step.id,
        idempotencyKey: uuidv5(`${ctx.executionId}/${step.id}`, STEP_NAMESPACE),
        contactId: ctx.contactId,
        event: ctx.scope.event,
      },
      input,
    );
  }
}

/** The emit depth an event was written with (0 for any event not emitted by a workflow). */
export function depthOfDedupeKey(key: string | null | undefined): number {
  const m = key ? /^wf-.+-d(\d+)$/.exec(key) : null;
  return m ? Number(m[1]) : 0;
}

function recipient(value: unknown): { contactId?: string; phone?: string; email?: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new StepError('to must evaluate to {contactId} | {phone} | {email}');
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
  const to = { contactId: text(v.contactId), phone: text(v.phone), email: text(v.email) };
  if (!to.contactId && !to.phone && !to.email)
    throw new StepError('to evaluated to no contactId, phone or e-mail');
  return Object.fromEntries(Object.entries(to).filter(([, x]) => x !== undefined));
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
