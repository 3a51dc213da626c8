import { Injectable } from '@nestjs/common';
import { DeliveriesService } from '../../deliveries/sending/deliveries.service';
import { StepError } from '../../workflows/step-error';
import { WorkflowAction, type ActionContext } from '../../workflows/workflow-actions';
import { Bitrix24Failure } from '../bitrix24/bitrix24-failure';
import { Bitrix24Rest, type Portal } from '../bitrix24/bitrix24-rest';
import { phoneForms } from '../bridge/phone-forms';
import { CrmConnections } from '../connections/crm-connections.service';

/** The `crm.upsertLead` step's input (every field optional; a phone or an e-mail finds the lead again). */
export interface LeadInput {
  title?: string;
  name?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  /** Bitrix24 SOURCE_ID (`WEB`, `CALL`, `OTHER`...). */
  source?: string;
  sourceDescription?: string;
  comments?: string;
  utm?: { source?: string; medium?: string; campaign?: string; content?: string; term?: string };
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The lead's Bitrix24 fields, UTM included; empty ones are left out so an update keeps what is there. */
export function leadFields(input: LeadInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    TITLE: text(input.title) ?? (text(input.name) ? `WhatsApp: ${text(input.name)}` : 'Lead'),
    NAME: text(input.name),
    LAST_NAME: text(input.lastName),
    SOURCE_ID: text(input.source),
    SOURCE_DESCRIPTION: text(input.sourceDescription),
    COMMENTS: text(input.comments),
    UTM_SOURCE: text(input.utm?.source),
    UTM_MEDIUM: text(input.utm?.medium),
    UTM_CAMPAIGN: text(input.utm?.campaign),
    UTM_CONTENT: text(input.utm?.content),
    UTM_TERM: text(input.utm?.term),
  };
  const phone = text(input.phone) && phoneForms(input.phone!)[0];
  if (phone) fields.PHONE = [{ VALUE: phone, VALUE_TYPE: 'MOBILE' }];
  if (text(input.email)) fields.EMAIL = [{ VALUE: text(input.email), VALUE_TYPE: 'WORK' }];
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/**
 * `crm.upsertLead`, real: with a Bitrix24 connection, the lead found by phone (both forms of a
 * Brazilian mobile) or e-mail is updated, else added (`crm.lead.update` / `crm.lead.add`, UTM
 * fields included). Without one, the input goes to the workspace's own CRM: its endpoints with
 * `system: crm` (what the placeholder this replaces did).
 */
@Injectable()
export class CrmLeadAction {
  constructor(
    private readonly connections: CrmConnections,
    private readonly rest: Bitrix24Rest,
    private readonly deliveries: DeliveriesService,
  ) {}

  @WorkflowAction('crm.upsertLead')
  async upsertLead(ctx: ActionContext, input: unknown): Promise<unknown> {
    const connection = await this.connections.firstActive(ctx.workspaceId);
    if (!connection) {
      const ids = await this.deliveries.deliverPayload(
        ctx.workspaceId,
        { system: 'crm' },
        { type: 'crm.upsertLead', data: input },
        ctx.idempotencyKey,
      );
      if (ids.length === 0)
        throw new StepError('No Bitrix24 connection and no enabled endpoint has system "crm"');
      return { deliveryIds: ids };
    }
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new StepError('input must be an object ({name, phone, email, utm...})');
    const lead = input as LeadInput;
    const fields = leadFields(lead);
    try {
      const existing = await this.find(connection, lead);
      if (existing) {
        await this.rest.call(connection, 'crm.lead.update', { id: existing, fields });
        return { system: 'bitrix24', leadId: existing, created: false };
      }
      const id = await this.rest.call<number | string>(connection, 'crm.lead.add', {
        fields,
        params: { REGISTER_SONET_EVENT: 'Y' },
      });
      return { system: 'bitrix24', leadId: String(id), created: true };
    } catch (err) {
      if (err instanceof Bitrix24Failure) throw new StepError(`Bitrix24: ${err.message}`);
      throw err;
    }
  }

  private async find(portal: Portal, lead: LeadInput): Promise<string | undefined> {
    const filters = [
      ...(text(lead.phone) ? phoneForms(lead.phone!).map((p) => ({ PHONE: p })) : []),
      ...(text(lead.email) ? [{ EMAIL: text(lead.email) }] : []),
    ];
    if (filters.length === 0) return undefined;
    const cmd = Object.fromEntries(
      filters.map((filter, i): [string, [string, Record<string, unknown>]] => [
        `f${i}`,
        ['crm.lead.list', { filter, select: ['ID'], order: { ID: 'DESC' } }],
      ]),
    );
    const found = await this.rest.batch(portal, cmd);
    for (const key of Object.keys(cmd)) {
      const rows = found.result[key];
      const id = Array.isArray(rows) ? (rows[0] as { ID?: unknown } | undefined)?.ID : undefined;
      if (typeof id === 'string' || typeof id === 'number') return String(id);
    }
    return undefined;
  }
}
