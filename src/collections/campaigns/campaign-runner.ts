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
import { refusalStatus } from '../refusal';
import { DebtsService } from '../debts/debts.service';
import type { Campaign } from './campaign.entity';
import { insideWindow } from './send-window';

/** Namespace of campaign notification ids: uuid v5 of `<campaign>/<debt>/<step>`. */
const SEND_NAMESPACE = '0b8f3a52-4c1e-4d7a-9f62-7e5d1c3b2a90';

/** The notification id of a campaign's step to a debt: whoever sends it, whenever, the same. */
export const campaignNotificationId = (campaignId: string, debtId: string, step: number): string =>
  uuidv5(`${campaignId}/${debtId}/${step}`, SEND_NAMESPACE);
/** A claimed send not finished after this long (its worker died) is claimed again: same id, sent once. */
const RECLAIM_MS = 2 * 60_000;
/** Sends in flight per tick: each uses a pool connection at a time, none holds a transaction. */
const SEND_CONCURRENCY = 8;

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
      // the credit is read and spent and the sends claimed under the campaign's row lock, one
      // connection, committed before anything is sent: the sends hold no transaction open
      const claimed = await this.dataSource.transaction(async (tx) => {
        const [mine]: Array<{ credit_from: Date | null }> = await tx.query(
          `SELECT credit_from FROM collection_campaigns WHERE id = $1 AND status = 'running' FOR UPDATE SKIP LOCKED`,
          [c.id],
        );
        if (!mine) return [];
        return this.claim({ ...c, creditFrom: mine.credit_from }, tx);
      });
      // a few at a time: the provider's own pace is kept by the notifications module
      for (let i = 0; i < claimed.length; i += SEND_CONCURRENCY) {
        const done = await Promise.all(
          claimed.slice(i, i + SEND_CONCURRENCY).map((s) => this.sendOrRelease(c, s)),
        );
        sent += done.filter(Boolean).length;
      }
    }
    return sent;
  }

  /** Claims the sends the campaign's window and credit allow now, and spends that credit. */
  private async claim(c: Campaign, tx: EntityManager): Promise<ClaimedSend[]> {
    const now = this.clock.now();
    if (!insideWindow(now, c.schedule, this.config.extraHolidays)) {
      await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [c.id, now]);
      return [];
    }
    const minuteAgo = now.getTime() - 60_000;
    const from = Math.max(c.creditFrom ? new Date(c.creditFrom).getTime() : now.getTime(), minuteAgo);
    const allowed = Math.floor(((now.getTime() - from) * c.ratePerMinute) / 60_000);
    if (allowed <= 0) {
      if (!c.creditFrom)
        await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [c.id, now]);
      return [];
    }
    const [claimed]: [ClaimedSend[]] = await tx.query(
      `UPDATE collection_campaign_sends s SET status = 'sending', claimed_at = $2
       FROM (SELECT campaign_id, debt_id, step FROM collection_campaign_sends
             WHERE campaign_id = $1 AND ((status = 'pending' AND due_at <= $2) OR (status = 'sending' AND claimed_at < $3))
             ORDER BY due_at, debt_id LIMIT $4 FOR UPDATE SKIP LOCKED) pick
       WHERE s.campaign_id = pick.campaign_id AND s.debt_id = pick.debt_id AND s.step = pick.step
       RETURNING s.campaign_id, s.debt_id, s.step`,
      [c.id, now, new Date(now.getTime() - RECLAIM_MS), allowed],
    );
    // credit spent: what was claimed (sent, skipped or released) at the campaign's pace
    const spent = from + (claimed.length * 60_000) / c.ratePerMinute;
    await tx.query(`UPDATE collection_campaigns SET credit_from = $2 WHERE id = $1`, [
      c.id,
      new Date(Math.min(spent, now.getTime())),
    ]);
    return claimed;
  }

  /**
   * Sends one claimed step. A refusal (a 4xx problem: consent, opt-out, validation) skips it for
   * good; anything else (a lost connection, a deadlock, a 5xx) puts it back to `pending`, so a
   * later tick sends it with the same notification id: once.
   */
  private async sendOrRelease(c: Campaign, s: ClaimedSend): Promise<boolean> {
    try {
      return await this.send(c, s, this.clock.now());
    } catch (err) {
      const refusal = refusalStatus(err);
      if (refusal !== undefined) {
        this.logger.warn(`campaign ${c.id} step ${s.step} of a debt refused (${refusal})`);
        await this.mark(s, 'skipped', `refused: ${(err as Error).message.slice(0, 200)}`);
        return false;
      }
      this.logger.warn(
        `campaign ${c.id} step ${s.step} of a debt not sent, retried later: ${(err as Error).message}`,
      );
      // if even this fails, the claim is taken again after RECLAIM_MS
      await this.mark(s, 'pending', null).catch(() => undefined);
      return false;
    }
  }

  private async mark(s: ClaimedSend, status: 'pending' | 'skipped', reason: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE collection_campaign_sends SET status = $4, skip_reason = $5, claimed_at = NULL
       WHERE campaign_id = $1 AND debt_id = $2 AND step = $3 AND status = 'sending'`,
      [s.campaign_id, s.debt_id, s.step, status, reason],
    );
  }

  private async send(c: Campaign, s: ClaimedSend, now: Date): Promise<boolean> {
    const debt = await this.debts.find(c.workspaceId, s.debt_id);
    const skip = async (reason: string) => {
      await this.mark(s, 'skipped', reason);
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
    const notificationId = campaignNotificationId(c.id, debt.id, s.step);
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
