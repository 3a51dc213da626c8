import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import { Clock } from '../../platform/clock';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { formatBRL } from '../br/amounts';
import { isHoliday } from '../br/holidays';
import { addDays, localDate, weekdayIndex, zonedToInstant } from '../../platform/zoned-time';
import type { CampaignSchedule } from '../campaigns/campaign.entity';
import { DEFAULT_SCHEDULE } from '../campaigns/send-window';
import { collectionsConfig } from '../collections.config';
import type { Debt } from '../debts/debt.entity';
import { DebtsService } from '../debts/debts.service';
import { refusalStatus } from '../refusal';

const REMINDER_NAMESPACE = 'c3a1f6e2-5b4d-4c8e-9a7f-2d1e0b9c8a76';
/** A claimed reminder not finished after this long (its worker died) is claimed again: same id. */
const RECLAIM_MS = 2 * 60_000;

interface ClaimedReminder {
  debt_id: string;
  promised_for: string;
  workspace_id: string;
  until: Date;
}

/**
 * Promise reminders, durable in `collection_promise_reminders`: one per promise (debt and date),
 * due when the send window opens on the last allowed day before the date (the debt's campaign
 * window, else Monday–Saturday 08:00–20:00 São Paulo; holidays skipped), sent by the
 * `collections.reminders` job with an id derived from the promise (once), cancelled when the debt
 * is paid or promised again first.
 */
@Injectable()
export class PromiseReminders {
  private readonly logger = new Logger('PromiseReminders');

  constructor(
    @InjectConfig(collectionsConfig) private readonly config: ConfigOf<typeof collectionsConfig>,
    private readonly dataSource: DataSource,
    private readonly debts: DebtsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Schedules the reminder of `promisedFor` (a new promise replaces the debt's pending one). */
  async schedule(debt: Debt, promisedFor: string): Promise<void> {
    const [campaign]: Array<{ schedule: CampaignSchedule }> = await this.dataSource.query(
      `SELECT c.schedule FROM collection_campaign_sends s JOIN collection_campaigns c ON c.id = s.campaign_id
       WHERE s.debt_id = $1 ORDER BY s.sent_at DESC NULLS LAST LIMIT 1`,
      [debt.id],
    );
    const schedule = campaign?.schedule ?? DEFAULT_SCHEDULE;
    const now = this.clock.now();
    const today = localDate(now, schedule.timeZone);
    const day = this.dayBefore(promisedFor, schedule);
    const at = (hhmm: string) => zonedToInstant(day, hhmm, schedule.timeZone);
    // promised for tomorrow (or sooner): the confirmation just said it, no reminder
    const status = day > today ? 'pending' : 'cancelled';
    await this.dataSource.transaction(async (tx) => {
      await this.cancelIn(tx, debt.id, 'promised again');
      await tx.query(
        `INSERT INTO collection_promise_reminders (debt_id, promised_for, workspace_id, status, due_at, until, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (debt_id, promised_for) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason
           WHERE collection_promise_reminders.status = 'cancelled'`,
        [
          debt.id,
          promisedFor,
          debt.workspaceId,
          status,
          at(schedule.from),
          at(schedule.to),
          status === 'cancelled' ? 'no allowed day before the date' : null,
        ],
      );
    });
  }

  /** Inside the caller's transaction: the debt's pending reminder is not sent. */
  async cancelIn(tx: EntityManager, debtId: string, reason: string): Promise<void> {
    await tx.query(
      `UPDATE collection_promise_reminders SET status = 'cancelled', reason = $2 WHERE debt_id = $1 AND status = 'pending'`,
      [debtId, reason],
    );
  }

  @OnJob('collections.reminders')
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const [claimed]: [ClaimedReminder[]] = await this.dataSource.query(
      `UPDATE collection_promise_reminders r SET status = 'sending', claimed_at = $1
       FROM (SELECT debt_id, promised_for FROM collection_promise_reminders
             WHERE (status = 'pending' AND due_at <= $1) OR (status = 'sending' AND claimed_at < $2)
             ORDER BY due_at LIMIT 200 FOR UPDATE SKIP LOCKED) pick
       WHERE r.debt_id = pick.debt_id AND r.promised_for = pick.promised_for
       RETURNING r.debt_id, to_char(r.promised_for, 'YYYY-MM-DD') AS promised_for, r.workspace_id, r.until`,
      [now, new Date(now.getTime() - RECLAIM_MS)],
    );
    let sent = 0;
    for (const r of claimed) {
      try {
        if (await this.send(r, now)) sent++;
      } catch (err) {
        const refused = refusalStatus(err) !== undefined;
        this.logger.warn(
          `promise reminder ${refused ? 'refused' : 'not sent, retried'}: ${(err as Error).message}`,
        );
        await this.mark(
          r,
          refused ? 'cancelled' : 'pending',
          refused ? (err as Error).message.slice(0, 200) : null,
        );
      }
    }
    return sent;
  }

  private async send(r: ClaimedReminder, now: Date): Promise<boolean> {
    if (now.getTime() >= new Date(r.until).getTime()) return this.mark(r, 'cancelled', 'the window closed');
    const debt = await this.debts.find(r.workspace_id, r.debt_id);
    if (!debt || debt.status !== 'promised' || debt.promisedFor !== r.promised_for)
      return this.mark(r, 'cancelled', debt ? `debt ${debt.status}` : 'debt deleted');
    const debtor = await this.debts.findDebtor(r.workspace_id, debt.debtorId);
    if (!debtor) return this.mark(r, 'cancelled', 'debtor deleted');
    const id = uuidv5(`${r.debt_id}/${r.promised_for}`, REMINDER_NAMESPACE);
    const date = r.promised_for.split('-').reverse().slice(0, 2).join('/');
    const body =
      `Olá, ${debtor.name.split(' ')[0]}! Lembrete: o pagamento de ${formatBRL(debt.amountCents - debt.paidCents)} ` +
      `ficou combinado para ${date}. Se precisar do Pix ou do boleto, é só responder por aqui.`;
    await this.notifications.sendFor(
      r.workspace_id,
      {
        to: debtor.contactId ? { contactId: debtor.contactId } : { phone: debtor.phone },
        channels: ['whatsapp'],
        content: { body: body.replace(/{/g, '&#123;') },
        // asked for: the debtor promised and was told of the reminder
        category: 'transactional',
      },
      { id },
    );
    await this.dataSource.query(
      `UPDATE collection_promise_reminders SET status = 'sent', sent_at = $3, notification_id = $4
       WHERE debt_id = $1 AND promised_for = $2`,
      [r.debt_id, r.promised_for, now, id],
    );
    return true;
  }

  private async mark(
    r: ClaimedReminder,
    status: 'pending' | 'cancelled',
    reason: string | null,
  ): Promise<false> {
    await this.dataSource.query(
      `UPDATE collection_promise_reminders SET status = $3, reason = $4, claimed_at = NULL
       WHERE debt_id = $1 AND promised_for = $2 AND status = 'sending'`,
      [r.debt_id, r.promised_for, status, reason],
    );
    return false;
  }

  /** The last day before `date` the schedule allows (its weekdays, not a holiday), at most a week back. */
  private dayBefore(date: string, schedule: CampaignSchedule): string {
    for (let back = 1; back <= 7; back++) {
      const day = addDays(date, -back);
      const iso = weekdayIndex(day) || 7;
      if (schedule.days.includes(iso) && !isHoliday(day, this.config.extraHolidays)) return day;
    }
    return addDays(date, -1);
  }
}
