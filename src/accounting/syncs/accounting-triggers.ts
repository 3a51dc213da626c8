import { Injectable, Logger } from '@nestjs/common';
import { DeliveriesService } from '../../deliveries/sending/deliveries.service';
import { OnEvent, type StoredEvent } from '../../events/processing/event-handlers';
import { compileExpression, evaluate, ExpressionError, toJson } from '../../platform/expression/expression';
import { StepError } from '../../workflows/step-error';
import { WorkflowAction, type ActionContext } from '../../workflows/workflow-actions';
import type { ConnectionAccount } from '../adapters/accounting-adapter';
import { checkEntity, compact, entityFromEvent, type Entity, type EntityType } from '../canonical';
import { ConnectionsService } from '../connections/connections.service';
import { SyncRecords } from './sync-records.service';

/**
 * What starts a sync: `client.registered` / `client.updated` → setupCustomer, `invoice.issued` →
 * syncInvoice, `payment.received` → syncPayment, on every enabled connection listing the event
 * among its triggers; and the `accounting.setupCustomer` workflow action.
 */
@Injectable()
export class AccountingTriggers {
  private readonly logger = new Logger('AccountingTriggers');

  constructor(
    private readonly connections: ConnectionsService,
    private readonly syncs: SyncRecords,
    private readonly deliveries: DeliveriesService,
  ) {}

  @OnEvent('accounting.client-registered', 'client.registered')
  @OnEvent('accounting.client-updated', 'client.updated')
  async onClient(event: StoredEvent): Promise<void> {
    await this.fromEvent(event, 'customer');
  }

  @OnEvent('accounting.invoice-issued', 'invoice.issued')
  async onInvoice(event: StoredEvent): Promise<void> {
    await this.fromEvent(event, 'invoice');
  }

  @OnEvent('accounting.payment-received', 'payment.received')
  async onPayment(event: StoredEvent): Promise<void> {
    await this.fromEvent(event, 'payment');
  }

  /**
   * `{connectionId?, ...customer fields}`: the customer set up in finance (every enabled
   * connection, or the one named). Answers the syncs; the calls happen on the sync queue. A
   * workspace without accounting connections keeps the webhook way the placeholder offered: the
   * input goes to its endpoints whose `system` is `accounting`.
   */
  @WorkflowAction('accounting.setupCustomer')
  async setupCustomer(ctx: ActionContext, input: unknown): Promise<unknown> {
    const data = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    let accounts = await this.connections.forTrigger(ctx.workspaceId, 'client.registered');
    if (typeof data.connectionId === 'string') {
      const one = await this.connections.account(ctx.workspaceId, data.connectionId).catch(() => null);
      if (!one) throw new StepError(`Accounting connection ${data.connectionId} not found`);
      accounts = [one];
    }
    if (accounts.length === 0) {
      const ids = await this.deliveries.deliverPayload(
        ctx.workspaceId,
        { system: 'accounting' },
        { type: 'accounting.setupCustomer', data: input },
        ctx.idempotencyKey,
      );
      if (ids.length === 0)
        throw new StepError('No enabled accounting connection, nor an endpoint with system "accounting"');
      return { deliveryIds: ids };
    }
    const out = [];
    for (const account of accounts) {
      const entity = await this.entityFor(account, 'customer', data);
      if (Array.isArray(entity)) throw new StepError(`The customer lacks ${entity.join(', ')}`);
      const r = await this.syncs.request(ctx.workspaceId, account.id, 'customer', entity, null);
      out.push({ connectionId: account.id, syncId: r.id, status: r.status });
    }
    return { syncs: out };
  }

  private async fromEvent(event: StoredEvent, type: EntityType): Promise<void> {
    for (const account of await this.connections.forTrigger(event.workspaceId, event.type)) {
      const entity = await this.entityFor(account, type, event.data);
      if (Array.isArray(entity)) {
        // Retrying cannot fill the fields in: the event is not synced, and says why in the log.
        this.logger.warn(`${event.type} ${event.id}: not synced to ${account.id}: ${entity.join('; ')}`);
        continue;
      }
      await this.syncs.request(event.workspaceId, account.id, type, entity, event.occurredAt.toISOString());
    }
  }

  /** The connection's JSONata mapping of the data, else the default reading; or what is missing. */
  private async entityFor(
    account: ConnectionAccount,
    type: EntityType,
    data: Record<string, unknown>,
  ): Promise<Entity | string[]> {
    const source = (account.config.mappings as Record<string, string> | undefined)?.[type];
    if (!source) return entityFromEvent(type, data);
    try {
      const mapped = toJson(await evaluate(compileExpression(source), data));
      const problems = checkEntity(type, mapped);
      return problems.length ? problems : (compact(mapped as object) as Entity);
    } catch (err) {
      if (err instanceof ExpressionError) return [`mapping failed: ${err.message}`];
      throw err;
    }
  }
}
