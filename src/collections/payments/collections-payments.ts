import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBus } from '../../events/bus/event-bus';
import { OnEvent, type EventEnrichment, type StoredEvent } from '../../events/processing/event-handlers';
import { Clock } from '../../platform/clock';
import type { DialogueState } from '../debts/debt.entity';
import { DebtsService } from '../debts/debts.service';
import { PromiseReminders } from '../promises/promise-reminders';
import { paymentReference } from './payment-reference';

interface LockedDebt {
  id: string;
  external_id: string;
  status: string;
  amount_cents: string;
  paid_cents: string;
  dialogue: DialogueState;
}

/**
 * `payment.received` (from any source) naming a debt: the amount is added to what was paid, in one
 * transaction with the payment's row (keyed by the event id: applied once) and the
 * `collections.debt.*` event. The whole balance → `paid` (a pending promise reminder is cancelled);
 * less → `collections.debt.payment_received` and, with a plan, the next instalment counted paid.
 * As an enriching subscriber it lends the event the debtor (contact, phone, name) and the amount in
 * reais (the unit the receipt template reads), so that the `payment-received` workflow sends the receipt to the debtor.
 */
@Injectable()
export class CollectionsPayments {
  private readonly logger = new Logger('CollectionsPayments');

  constructor(
    private readonly dataSource: DataSource,
    private readonly debts: DebtsService,
    private readonly reminders: PromiseReminders,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  @OnEvent('collections.payments', 'payment.received', { enrich: true })
  async onPayment(event: StoredEvent): Promise<EventEnrichment | void> {
    const ref = paymentReference(event.data);
    if (!ref) return;
    const debt = ref.debtId
      ? await this.debts.find(event.workspaceId, ref.debtId)
      : await this.debts.findByExternalId(event.workspaceId, ref.externalId!);
    if (!debt) return;
    const paidCents = await this.apply(event, debt.id, ref.amountCents);
    const debtor = await this.debts.findDebtor(event.workspaceId, debt.debtorId);
    const added: EventEnrichment = { debtId: debt.id };
    const has = (k: string) => event.data[k] !== undefined && event.data[k] !== null;
    if (debtor && !has('contactId') && !has('phone') && !has('email')) {
      if (debtor.contactId) added.contactId = debtor.contactId;
      added.phone = debtor.phone;
    }
    if (debtor && !has('name')) added.name = debtor.name;
    // the receipt template reads `amount` in reais
    if (!has('amount')) added.amount = (ref.amountCents ?? paidCents ?? debt.amountCents) / 100;
    if (!has('description') && debt.description) added.description = debt.description;
    return added;
  }

  /** Applies the payment once; answers the cents it added (undefined when applied before). */
  private async apply(
    event: StoredEvent,
    debtId: string,
    amount: number | undefined,
  ): Promise<number | undefined> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (tx) => {
      const [d]: LockedDebt[] = await tx.query(
        `SELECT id, external_id, status, amount_cents, paid_cents, dialogue FROM collection_debts WHERE id = $1 FOR UPDATE`,
        [debtId],
      );
      if (!d) return undefined;
      const total = Number(d.amount_cents);
      const before = Number(d.paid_cents);
      const cents = amount ?? Math.max(total - before, 0);
      const plan = d.dialogue?.plan ?? null;
      const instalment = plan && plan.paidInstallments < plan.installments ? plan.paidInstallments + 1 : null;
      const inserted: unknown[] = await tx.query(
        `INSERT INTO collection_payments (event_id, workspace_id, debt_id, amount_cents, instalment, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.id, event.workspaceId, debtId, cents, instalment, now],
      );
      if (!inserted.length) return undefined; // this event was applied before
      const paid = before + cents;
      // a plan with a discount settles for less than the amount
      const settled = paid >= total || (plan !== null && instalment === plan.installments);
      const dialogue =
        plan && instalment ? { ...d.dialogue, plan: { ...plan, paidInstallments: instalment } } : d.dialogue;
      const status = settled ? 'paid' : d.status;
      await tx.query(
        `UPDATE collection_debts SET paid_cents = $2, status = $3, dialogue = $4, updated_at = $5 WHERE id = $1`,
        [debtId, paid, status, JSON.stringify(dialogue), now],
      );
      if (settled) await this.reminders.cancelIn(tx, debtId, 'paid');
      const pending = await this.bus.emitIn(
        tx,
        event.workspaceId,
        settled && d.status !== 'paid' ? 'collections.debt.paid' : 'collections.debt.payment_received',
        {
          debtId,
          externalId: d.external_id,
          from: d.status,
          to: status,
          amountCents: total,
          paidCents: paid,
          paymentCents: cents,
          instalment,
          paymentEventId: event.id,
        },
      );
      return { pending, cents };
    });
    if (!outcome) return undefined;
    await this.bus.publish(outcome.pending);
    this.logger.log(`payment of ${outcome.cents} cents applied to debt ${debtId}`);
    return outcome.cents;
  }
}
