import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { toE164 } from '../../notifications/phone';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import { Clock } from '../../platform/clock';
import { formatBRL } from '../br/amounts';
import { formatBoletoLine } from '../br/boleto';
import { buildStaticPix } from '../br/pix';
import type { InstalmentPlan } from '../campaigns/campaign.entity';
import { CampaignsService, DEFAULT_PLANS } from '../campaigns/campaigns.service';
import { collectionsConfig } from '../collections.config';
import { PromiseReminders } from '../promises/promise-reminders';
import type { Debt, DialogueState } from '../debts/debt.entity';
import type { Debtor } from '../debts/debtor.entity';
import { DebtsService } from '../debts/debts.service';
import { CollectionMessage } from './collection-message.entity';
import { IntentClassifier } from './intent-classifier';

const REPLY_NAMESPACE = '7d1e9c0a-2b3f-4e5d-8a6b-9c0d1e2f3a4b';

/**
 * The assistant: every inbound WhatsApp reply of a debtor with an active debt is classified and
 * moves that debt's dialogue (memory in `collection_debts.dialogue`): receipt → paid_claimed,
 * plans → Pix, second copy, promise, dispute → a person (then silence), opt-out → consent.
 * Replies have ids derived from the inbound message, so a retried event answers once.
 */
@Injectable()
export class CollectionsAssistant {
  private readonly logger = new Logger('CollectionsAssistant');

  constructor(
    @InjectConfig(collectionsConfig) private readonly config: ConfigOf<typeof collectionsConfig>,
    @InjectRepository(CollectionMessage) private readonly messages: Repository<CollectionMessage>,
    private readonly debts: DebtsService,
    private readonly classifier: IntentClassifier,
    private readonly contacts: ContactsService,
    private readonly notifications: NotificationsService,
    private readonly campaigns: CampaignsService,
    private readonly reminders: PromiseReminders,
    private readonly clock: Clock,
  ) {}

  @OnEvent('collections.assistant', 'whatsapp.message.received')
  async onMessage(event: StoredEvent): Promise<void> {
    const data = event.data as unknown as WhatsAppMessageData & { contactId?: string };
    if (!data.from || data.isGroup) return;
    const phone = toE164(`+${data.from}`);
    if (!phone) return;
    const [active] = await this.debts.activeDebtsOfPhone(event.workspaceId, phone);
    if (!active) return;
    const { debt, debtor } = active;
    if (data.contactId) await this.debts.linkContact(debtor, data.contactId);
    const known = await this.messages.findOneBy({
      workspaceId: event.workspaceId,
      providerMessageId: data.messageId,
    });
    if (known) return; // handled before (the reply, if any, went with a derived id)
    const c = data.text
      ? this.classifier.classify(data.text)
      : { intent: 'unknown' as const, confidence: 0, entities: {} };
    await this.messages.insert({
      id: uuidv7(),
      workspaceId: event.workspaceId,
      debtId: debt.id,
      providerMessageId: data.messageId,
      text: data.text,
      kind: data.kind,
      intent: c.intent,
      confidence: c.confidence,
      entities: { ...c.entities },
      label: null,
      labelledAt: null,
      createdAt: this.clock.now(),
    });
    const state: DialogueState = { ...(debt.dialogue ?? {}) };
    if (state.handedOver) return; // a person has it: silent until released
    const say = (body: string) => this.reply(event, debtor, body);
    const media = data.kind === 'image' || data.kind === 'document';

    if (media && (state.awaiting === 'receipt' || c.intent === 'paid')) {
      await this.debts.saveDialogue(debt, { ...state, awaiting: null, lastIntent: 'receipt' });
      await this.debts.changeStatus(debt, 'paid_claimed', { messageId: data.messageId });
      return say('Recebemos o seu comprovante, obrigado! Vamos conferir e confirmamos a baixa em breve.');
    }
    const offered = (state.offered ?? []).map((p) => (typeof p === 'number' ? { instalments: p } : p));
    const asked = c.entities.installments;
    const pick =
      c.entities.choice ??
      (asked && offered.some((p) => p.instalments === asked)
        ? offered.findIndex((p) => p.instalments === asked) + 1
        : undefined);
    if (state.awaiting === 'plan' && pick && offered[pick - 1]) {
      const chosen = offered[pick - 1];
      const each = instalmentCents(debt, chosen);
      await this.debts.saveDialogue(debt, {
        ...state,
        awaiting: null,
        plan: {
          installments: chosen.instalments,
          amountCents: each,
          paidInstallments: 0,
          ...(chosen.discountPercent ? { discountPercent: chosen.discountPercent } : {}),
        },
      });
      const pix = await this.pix(debt, each, 1);
      return say(
        `Combinado: ${describePlan(chosen, each)}. Segue o Pix da 1ª parcela (copia e cola):\n${pix ?? 'nossa equipe enviará os dados de pagamento.'}`,
      );
    }
    const confident = c.confidence >= this.config.minConfidence;
    switch (confident ? c.intent : 'unknown') {
      case 'paid':
        await this.debts.saveDialogue(debt, { ...state, awaiting: 'receipt', lastIntent: 'paid' });
        return say('Que bom! Pode me enviar o comprovante (foto ou PDF) por aqui?');
      case 'negotiate': {
        const plans = (await this.campaigns.termsOfDebt(debt.id))?.plans ?? DEFAULT_PLANS;
        const remaining = debt.amountCents - debt.paidCents;
        const lines = plans.map((p, i) => `${i + 1}) ${describePlan(p, instalmentCents(debt, p))}`);
        await this.debts.saveDialogue(debt, {
          ...state,
          awaiting: 'plan',
          offered: plans,
          lastIntent: 'negotiate',
        });
        await this.debts.changeStatus(debt, 'negotiating');
        return say(`Podemos parcelar ${formatBRL(remaining)}:\n${lines.join('\n')}\nQual opção prefere?`);
      }
      case 'second_copy': {
        await this.debts.saveDialogue(debt, { ...state, lastIntent: 'second_copy' });
        if (debt.boletoLine)
          return say(`Segue a linha digitável do boleto:\n${formatBoletoLine(debt.boletoLine)}`);
        const pix = await this.pix(debt, debt.amountCents - debt.paidCents, 0);
        return say(
          pix
            ? `Segue o Pix copia e cola de ${formatBRL(debt.amountCents - debt.paidCents)}:\n${pix}`
            : 'Vou pedir para a equipe enviar a segunda via.',
        );
      }
      case 'promise_to_pay': {
        if (!c.entities.date) {
          await this.debts.saveDialogue(debt, { ...state, awaiting: 'date', lastIntent: 'promise_to_pay' });
          return say('Certo! Para qual dia podemos anotar o pagamento?');
        }
        await this.debts.saveDialogue(
          debt,
          { ...state, awaiting: null, lastIntent: 'promise_to_pay' },
          { promisedFor: c.entities.date },
        );
        await this.debts.changeStatus(debt, 'promised', { promisedFor: c.entities.date });
        await this.reminders.schedule(debt, c.entities.date);
        return say(
          `Anotado: pagamento em ${c.entities.date.split('-').reverse().join('/')}. Lembraremos você um dia antes.`,
        );
      }
      case 'dispute':
        await this.debts.saveDialogue(debt, { ...state, handedOver: true, lastIntent: 'dispute' });
        await this.debts.changeStatus(debt, 'disputed', { messageId: data.messageId });
        return say(
          'Entendi. Vou passar sua conversa para uma pessoa da nossa equipe, que vai analisar e responder.',
        );
      case 'opt_out': {
        const contactId =
          debtor.contactId ??
          (await this.contacts.upsertFromChannel(event.workspaceId, { phone: debtor.phone })).id;
        await this.contacts.setConsent(event.workspaceId, contactId, {
          channel: 'whatsapp',
          category: 'marketing',
          optedIn: false,
          source: 'collections',
          detail: data.messageId,
        });
        await this.debts.saveDialogue(debt, { ...state, lastIntent: 'opt_out' });
        await this.debts.changeStatus(debt, 'opted_out', { messageId: data.messageId });
        return say('Tudo bem, não enviaremos mais mensagens de cobrança por aqui.');
      }
      case 'greeting':
        return say(
          `Olá, ${debtor.name.split(' ')[0]}! Sobre o débito de ${formatBRL(debt.amountCents - debt.paidCents)}: você pode pagar, parcelar ou pedir a segunda via.`,
        );
      default: {
        const asked = state.clarifications ?? 0;
        if (asked >= 1) {
          await this.debts.saveDialogue(debt, { ...state, handedOver: true, lastIntent: 'unknown' });
          return say('Vou chamar uma pessoa da equipe para te ajudar.');
        }
        await this.debts.saveDialogue(debt, { ...state, clarifications: asked + 1, lastIntent: 'unknown' });
        return say(
          'Desculpe, não entendi. Você já pagou, quer parcelar, precisa da segunda via ou quer combinar uma data?',
        );
      }
    }
  }

  /**
   * A static Pix BR Code for `amountCents`, txid naming the debt and instalment, paid to the debt's
   * campaign receiver, else COLLECTIONS_PIX_KEY's; null without either.
   */
  private async pix(debt: Debt, amountCents: number, installment: number): Promise<string | null> {
    const receiver = (await this.campaigns.termsOfDebt(debt.id))?.pix ?? this.config.pix;
    if (!receiver) return null;
    const txid = `${debt.id.replace(/-/g, '').slice(-20)}P${installment}`.slice(0, 25);
    return buildStaticPix({
      key: receiver.key,
      name: receiver.merchantName,
      city: receiver.merchantCity,
      amountCents,
      txid,
    });
  }

  private async reply(event: StoredEvent, debtor: Debtor, body: string): Promise<void> {
    const data = event.data as unknown as WhatsAppMessageData & { conversationId?: string };
    try {
      await this.notifications.sendFor(
        event.workspaceId,
        {
          to: { phone: debtor.phone },
          channels: ['whatsapp'],
          content: { body: body.replace(/{/g, '&#123;') },
          category: 'transactional',
        },
        { id: uuidv5(`${event.id}/reply`, REPLY_NAMESPACE), conversationId: data.conversationId ?? null },
      );
    } catch (err) {
      this.logger.warn(`collections reply not sent: ${(err as Error).message}`);
    }
  }
}

/** Each instalment of the plan: the balance less the plan's discount, split, rounded up. */
function instalmentCents(debt: Debt, plan: InstalmentPlan): number {
  const balance = debt.amountCents - debt.paidCents;
  const discounted = Math.round((balance * (100 - (plan.discountPercent ?? 0))) / 100);
  return Math.ceil(discounted / plan.instalments);
}

/** "3x de R$ 300,00", "à vista R$ 810,00 (10% de desconto)". */
function describePlan(plan: InstalmentPlan, each: number): string {
  const what =
    plan.instalments === 1 ? `à vista ${formatBRL(each)}` : `${plan.instalments}x de ${formatBRL(each)}`;
  return plan.discountPercent ? `${what} (${plan.discountPercent}% de desconto)` : what;
}
