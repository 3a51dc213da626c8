import { Injectable } from '@nestjs/common';
import { EventLookup } from '../events/store/event-lookup';
import { WorkspacesService } from '../gateway/workspaces/workspaces.service';
import { toContactView } from '../notifications/contacts/contact-views';
import { addressKey, ContactsService, KnownContact } from '../notifications/contacts/contacts.service';
import { Clock } from '../platform/clock';
import type { StepContext } from './workflow-steps';

export type ScopeEvent = StepContext['scope']['event'];

/** A walk's scope and the contact it found (`known`: with the lookup that found it, or none). */
export interface BuiltScope {
  scope: StepContext['scope'];
  contactId: string | null;
  known?: KnownContact;
}

/** Builds what expressions see: the event, the contact it reaches, now, the workspace. */
@Injectable()
export class WorkflowScope {
  constructor(
    private readonly events: EventLookup,
    private readonly contacts: ContactsService,
    private readonly workspaces: WorkspacesService,
    private readonly clock: Clock,
  ) {}

  /** A stored event as expressions see it (null when gone). */
  async event(id: string): Promise<(ScopeEvent & { dedupeKey: string | null }) | null> {
    const row = await this.events.get(id);
    if (!row) return null;
    return {
      id,
      type: row.type,
      occurredAt: row.occurredAt.toISOString(),
      data: row.data,
      dedupeKey: row.dedupeKey,
    };
  }

  /** A scheduled run's event: `workflow.schedule` with the tick's time. */
  scheduleEvent(at: Date): ScopeEvent {
    return {
      id: null,
      type: 'workflow.schedule',
      occurredAt: at.toISOString(),
      data: { scheduledAt: at.toISOString() },
    };
  }

  /**
   * The contact `data.contactId` names, else the one with the phone or e-mail the event carries,
   * with the lookup that answered (undefined when the event names no contact).
   */
  async contactFor(workspaceId: string, data: Record<string, unknown>): Promise<KnownContact | undefined> {
    const nested = (data.contact ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    const id = text(data.contactId) ?? text(nested.id);
    if (id && /^[0-9a-f-]{36}$/i.test(id)) {
      const found = await this.contacts.find(workspaceId, id);
      if (found) return { by: { id }, contact: found };
    }
    const phone = text(data.phone) ?? text(nested.phone);
    const email = text(data.email) ?? text(nested.email);
    if (!phone && !email) return undefined;
    return {
      by: addressKey({ phone, email }),
      contact: await this.contacts.findByAddress(workspaceId, { phone, email }),
    };
  }

  async build(workspaceId: string, event: ScopeEvent, contactId: string | null): Promise<BuiltScope> {
    const byId = contactId ? await this.contacts.find(workspaceId, contactId) : null;
    const known: KnownContact | undefined = byId
      ? { by: { id: contactId! }, contact: byId }
      : await this.contactFor(workspaceId, event.data);
    const contact = known?.contact ?? null;
    return {
      contactId: contact?.id ?? null,
      known,
      scope: {
        event: { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data },
        steps: {},
        contact: contact ? (toContactView(contact) as unknown as Record<string, unknown>) : null,
        now: this.clock.now().toISOString(),
        workspace: await this.workspaces.profileOf(workspaceId),
      },
    };
  }
}
