import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { Clock } from '../../platform/clock';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { parseDuration } from '../../workflows/iso-duration';
import { formatBRL } from '../br/amounts';
import { collectionsConfig } from '../collections.config';
import { DebtsService } from '../debts/debts.service';
import type { Campaign } from './campaign.entity';
import { insideWindow } from './send-window';

/** Namespace of campaign notification ids: uuid v5 of `<campaign>/<debt>/<step>`. */
const SEND_NAMESPACE = '0b8f3a52-4c1e-4d7a-9f62-7e5d1c3b2a90';
/** A claimed send not finished after this long (its worker died) is claimed again: same id, sent once. */
const RECLAIM_MS = 2 * 60_000;

interface ClaimedSend {
  campaign_id: string;
  debt_id: string;
  step: number;
}

/**
 * Sends what running campaigns may send now: inside their window (and never on a holiday), at
 * their rate (credit accrues from `creditFrom`, at most one minute's worth), one message per debt
 * per step (the sends table's key; the notification id is derived from it, so a worker killed
 * between claiming and recording resends nothing). Follow-ups are scheduled as a step is sent and
 * skipped when the debtor replied, paid or opted out.
 */
@Injectable()
export class CampaignRunner {
  private readonly logger = new Logger('CampaignRunner');

  constructor(
    @InjectConfig(collectionsConfig) private readonly config: ConfigOf<typeof collectionsConfig>,
    private readonly dataSource: DataSource,
    private readonly debts: DebtsService,
    private readonly contacts: ContactsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  @OnJob('collections.tick')
  async tick(): Promise<number> {
    const running: Campaign[] = await this.dataSource.query(
      `SELECT id, workspace_id AS "workspaceId", template, schedule, rate_per_minute AS "ratePerMinute",
              follow_ups AS "followUps", credit_from AS "creditFrom" FROM collection_campaigns WHERE status = 'running'`,
    );
    let sent = 0;
    for (const c of running) {
      // one runner per campaign at a time (the credit is read and spent under the row lock)
      sent += await this.dataSource.transaction(async (tx) => {
        const [mine]: Array<{ credit_from: Date | null }> = await tx.query(
          `SELECT credit_from FROM collection_campaigns WHERE id = $1 AND status = 'running' FOR UPDATE SKIP LOCKED`,
          [c.id],
        );
        if (!mine) return 0;
        return this.runCampaign({ ...c, creditFrom: mine.credit_from }, tx);
      });
    }
    return sent;
  }

  private async runCampaign(c: Campaign, tx: EntityManager): Promise<number> {
    const now = this.clock.now();
    if (!insideWindow(now, c.schedule, this.config.extraHolidays)) {
      await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [c.id, now]);
      return 0;
    }
    const minuteAgo = now.getTime() - 60_000;
    const from = Math.max(c.creditFrom ? new Date(c.creditFrom).getTime() : now.getTime(), minuteAgo);
    const allowed = Math.floor(((now.getTime() - from) * c.ratePerMinute) / 60_000);
    if (allowed <= 0) {
      if (!c.creditFrom)
        await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [c.id, now]);
      return 0;
    }
    const [claimed]: [ClaimedSend[]] = await this.dataSource.query(
      `UPDATE collection_campaign_sends s SET status = 'sending', claimed_at = $2
       FROM (SELECT campaign_id, debt_id, step FROM collection_campaign_sends
             WHERE campaign_id = $1 AND ((status = 'pending' AND due_at <= $2) OR (status = 'sending' AND claimed_at < $3))
             ORDER BY due_at, debt_id LIMIT $4 FOR UPDATE SKIP LOCKED) pick
       WHERE s.campaign_id = pick.campaign_id AND s.debt_id = pick.debt_id AND s.step = pick.step
       RETURNING s.campaign_id, s.debt_id, s.step`,
      [c.id, now, new Date(now.getTime() - RECLAIM_MS), allowed],
    );
    let sent = 0;
    // a few at a time: the provider's own pace is kept by the notifications module
    for (let i = 0; i < claimed.length; i += 16) {
      const done = await Promise.all(claimed.slice(i, i + 16).map((s) => this.send(c, s, now)));
      sent += done.filter(Boolean).length;
    }
    // credit spent: what was claimed (sent or skipped) at the campaign's pace
    const spent = from + (claimed.length * 60_000) / c.ratePerMinute;
    await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [
      c.id,
      new Date(Math.min(spent, now.getTime())),
    ]);
    return sent;
  }

  private async send(c: Campaign, s: ClaimedSend, now: Date): Promise<boolean> {
    const debt = await this.debts.find(c.workspaceId, s.debt_id);
    const skip = async (reason: string) => {
      await this.dataSource.query(
        `UPDATE collection_campaign_sends SET status = 'skipped', skip_reason = $4 WHERE campaign_id = $1 AND debt_id = $2 AND step = $3`,
        [s.campaign_id, s.debt_id, s.step, reason],
      );
      return false;
    };
    if (!debt) return skip('debt deleted');
    if (['paid', 'paid_claimed', 'written_off', 'opted_out', 'disputed'].includes(debt.status))
      return skip(`debt ${debt.status}`);
    if (debt.dialogue?.handedOver) return skip('handed over to a person');
    if (s.step > 0) {
      const [replied]: Array<{ n: string }> = await this.dataSource.query(
        `SELECT count(*) AS n FROM collection_messages WHERE debt_id = $1 AND created_at >= (
           SELECT sent_at FROM collection_campaign_sends WHERE campaign_id = $2 AND debt_id = $1 AND step = 0)`,
        [debt.id, c.id],
      );
      if (Number(replied.n) > 0) return skip('the debtor replied');
    }
    const debtor = await this.debts.findDebtor(c.workspaceId, debt.debtorId);
    if (!debtor) return skip('debtor deleted');
    if (!debtor.contactId) {
      const contact = await this.contacts.upsertFromChannel(c.workspaceId, {
        phone: debtor.phone,
        name: debtor.name,
      });
      await this.debts.linkContact(debtor, contact.id);
    }
    const template = s.step === 0 ? c.template : c.followUps[s.step - 1]?.template;
    if (!template) return skip('no such follow-up');
    const notificationId = uuidv5(`${c.id}/${debt.id}/${s.step}`, SEND_NAMESPACE);
    try {
      await this.notifications.sendFor(
        c.workspaceId,
        {
          to: { contactId: debtor.contactId! },
          channels: ['whatsapp'],
          content: { body: template },
          data: {
            name: debtor.name,
            amount: formatBRL(debt.amountCents - debt.paidCents),
            amountCents: debt.amountCents - debt.paidCents,
            dueDate: debt.dueDate.split('-').reverse().join('/'),
            externalId: debt.externalId,
            description: debt.description ?? '',
          },
          // outreach nobody asked for: the contact's marketing opt-out and quiet hours apply
          category: 'marketing',
        },
        { id: notificationId },
      );
    } catch (err) {
      this.logger.warn(`campaign ${c.id} could not send step ${s.step} of a debt: ${(err as Error).message}`);
      return skip(`refused: ${(err as Error).message.slice(0, 200)}`);
    }
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE collection_campaign_sends SET status = 'sent', sent_at = $4, notification_id = $5
         WHERE campaign_id = $1 AND debt_id = $2 AND step = $3`,
        [s.campaign_id, s.debt_id, s.step, now, notificationId],
      );
      const next = c.followUps[s.step];
      if (next) {
        await tx.query(
          `INSERT INTO collection_campaign_sends (campaign_id, debt_id, step, workspace_id, status, due_at)
           VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT DO NOTHING`,
          [
            s.campaign_id,
            s.debt_id,
            s.step + 1,
            c.workspaceId,
            new Date(now.getTime() + (parseDuration(next.after) ?? 0)),
          ],
        );
      }
    });
    return true;
  }
}
