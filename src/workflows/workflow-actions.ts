import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeliveriesService } from '../deliveries/sending/deliveries.service';
import { ContactsService } from '../notifications/contacts/contacts.service';
import { declare, DeclareOptions, definePluginPoint } from '../platform/plugins/plugin-point';
import { PluginRegistry } from '../platform/plugins/plugin-registry';
import { StepError } from './step-error';

/** What an action gets besides its input. */
export interface ActionContext {
  workspaceId: string;
  executionId: string;
  stepId: string;
  /** Stable per (execution, step): pass it on so that a retried step has no second effect. */
  idempotencyKey: string;
  contactId: string | null;
  /** The starting event (`{id, type, occurredAt, data}`). */
  event: { id: string | null; type: string; data: Record<string, unknown> };
}

/** Answers the step's output; throws StepError (or any error) to fail the step. */
export type ActionHandler = (ctx: ActionContext, input: unknown) => Promise<unknown>;

export const WORKFLOW_ACTION = definePluginPoint<ActionHandler>({
  title: 'workflow action',
  namePattern: { pattern: /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/, rule: 'name it `module.verb`' },
});

/**
 * `@WorkflowAction('calendar.createEvent')` on a method `(ctx, input) => output`. `fallback`
 * marks a stand-in that a module's real action of the same name replaces.
 */
export const WorkflowAction = (name: string, options: DeclareOptions = {}) =>
  declare(WORKFLOW_ACTION, name, options);

/** The `action` step's actions, as the modules declared them. Names are checked when a workflow is saved. */
@Injectable()
export class WorkflowActions implements OnModuleInit {
  private actions = new Map<string, ActionHandler>();

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    this.actions = new Map(this.plugins.get(WORKFLOW_ACTION).map((d) => [d.name, d.handler]));
  }

  has(name: string): boolean {
    return this.actions.has(name);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  run(name: string, ctx: ActionContext, input: unknown): Promise<unknown> {
    const action = this.actions.get(name);
    if (!action) throw new StepError(`Unknown action "${name}"`);
    return action(ctx, input);
  }
}

/**
 * The built-in actions: `contact.tag` (real), and `crm.upsertLead` / `accounting.setupCustomer`,
 * which deliver their input to the endpoints whose `system` is `crm` / `accounting`. Those two are
 * fallbacks: when the CRM or accounting module declares its own action of that name, it replaces
 * the placeholder (no duplicate, no edit here).
 */
@Injectable()
export class BuiltinActions {
  constructor(
    private readonly contacts: ContactsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @WorkflowAction('crm.upsertLead', { fallback: true })
  upsertLead(ctx: ActionContext, input: unknown): Promise<unknown> {
    return this.toSystem('crm.upsertLead', 'crm', ctx, input);
  }

  @WorkflowAction('accounting.setupCustomer', { fallback: true })
  setupCustomer(ctx: ActionContext, input: unknown): Promise<unknown> {
    return this.toSystem('accounting.setupCustomer', 'accounting', ctx, input);
  }

  private async toSystem(name: string, system: string, ctx: ActionContext, input: unknown): Promise<unknown> {
    const ids = await this.deliveries.deliverPayload(
      ctx.workspaceId,
      { system },
      { type: name, data: input },
      ctx.idempotencyKey,
    );
    if (ids.length === 0) throw new StepError(`No enabled endpoint has system "${system}"`);
    return { deliveryIds: ids };
  }

  /** `{tags: [...], contactId?}`: the execution's contact, else one made from the event's phone or e-mail. */
  @WorkflowAction('contact.tag')
  async tag(ctx: ActionContext, input: unknown): Promise<unknown> {
    const { tags, contactId } = (input ?? {}) as { tags?: unknown; contactId?: unknown };
    const list = (Array.isArray(tags) ? tags : [tags]).filter(
      (t): t is string => typeof t === 'string' && t !== '',
    );
    if (list.length === 0) throw new StepError('input.tags must be a tag or a list of tags');
    let id = typeof contactId === 'string' ? contactId : ctx.contactId;
    if (!id) {
      const d = ctx.event.data;
      const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
      if (!text(d.phone) && !text(d.email)) throw new StepError('The event reaches no contact to tag');
      // A contact made here starts with the tags: no UPDATE after the INSERT.
      const made = await this.contacts.upsertFromChannel(ctx.workspaceId, {
        phone: text(d.phone),
        email: text(d.email),
        name: text(d.name) ?? null,
        tags: list,
      });
      if (list.every((t) => made.tags.includes(t))) return { contactId: made.id, tags: made.tags };
      id = made.id;
    }
    const now = await this.contacts.addTags(ctx.workspaceId, id, list);
    if (!now) throw new StepError(`Contact ${id} not found`);
    return { contactId: id, tags: now };
  }
}
