import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeliveriesService } from '../deliveries/sending/deliveries.service';
import { ContactsService } from '../notifications/contacts/contacts.service';
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
export type WorkflowAction = (ctx: ActionContext, input: unknown) => Promise<unknown>;

/**
 * The `action` step's registry: other modules add theirs (`calendar.createEvent`...) in their
 * onModuleInit. Names are checked when a workflow is saved.
 */
@Injectable()
export class WorkflowActions {
  private readonly actions = new Map<string, WorkflowAction>();

  register(name: string, action: WorkflowAction): void {
    if (this.actions.has(name)) throw new Error(`Workflow action "${name}" is registered twice`);
    this.actions.set(name, action);
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
 * which deliver their input to the endpoints whose `system` is `crm` / `accounting` until those
 * modules register their own.
 */
@Injectable()
export class BuiltinActions implements OnModuleInit {
  constructor(
    private readonly actions: WorkflowActions,
    private readonly contacts: ContactsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  onModuleInit(): void {
    this.actions.register('contact.tag', (ctx, input) => this.tag(ctx, input));
    for (const [name, system] of [
      ['crm.upsertLead', 'crm'],
      ['accounting.setupCustomer', 'accounting'],
    ] as const) {
      this.actions.register(name, async (ctx, input) => {
        const ids = await this.deliveries.deliverPayload(
          ctx.workspaceId,
          { system },
          { type: name, data: input },
          ctx.idempotencyKey,
        );
        if (ids.length === 0) throw new StepError(`No enabled endpoint has system "${system}"`);
        return { deliveryIds: ids };
      });
    }
  }

  /** `{tags: [...], contactId?}`: the execution's contact, else one made from the event's phone or e-mail. */
  private async tag(ctx: ActionContext, input: unknown): Promise<unknown> {
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
      const made = await this.contacts.upsertFromChannel(ctx.workspaceId, {
        phone: text(d.phone),
        email: text(d.email),
        name: text(d.name) ?? null,
      });
      id = made.id;
    }
    const now = await this.contacts.addTags(ctx.workspaceId, id, list);
    if (!now) throw new StepError(`Contact ${id} not found`);
    return { contactId: id, tags: now };
  }
}
