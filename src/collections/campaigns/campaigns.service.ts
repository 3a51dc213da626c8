import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { compileExpression, evaluate } from '../../platform/expression/expression';
import { Principal } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { NotificationsService } from '../../notifications/sending/notifications.service';
import { parseDuration } from '../../workflows/iso-duration';
import { isTimeZone } from '../../platform/zoned-time';
import { CollectionsProblem } from '../collections.problems';
import { Debt } from '../debts/debt.entity';
import { Debtor } from '../debts/debtor.entity';
import { Campaign, type CampaignStatus } from './campaign.entity';
import { CampaignStatsView, CampaignView, CreateCampaignDto } from './campaigns.dto';
import { DEFAULT_SCHEDULE } from './send-window';

/** What the assistant offers when the campaign names no plans. */
export const DEFAULT_PLANS = [{ instalments: 2 }, { instalments: 3 }, { instalments: 6 }];

const view = (c: Campaign): CampaignView => ({
  id: c.id,
  name: c.name,
  status: c.status,
  template: c.template,
  filter: c.filter,
  schedule: c.schedule,
  ratePerMinute: c.ratePerMinute,
  followUps: c.followUps,
  plans: c.plans,
  pix: c.pix,
  startedAt: c.startedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});

/** Campaign definitions and their life cycle; CampaignRunner sends. */
@Injectable()
export class CampaignsService {
  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    @InjectRepository(Debt) private readonly debts: Repository<Debt>,
    @InjectRepository(Debtor) private readonly debtors: Repository<Debtor>,
    private readonly notifications: NotificationsService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, dto: CreateCampaignDto): Promise<CampaignView> {
    const invalid = (field: string, message: string) =>
      new CollectionsProblem('CAMPAIGN_INVALID', message, { errors: [{ field, message }] });
    if (dto.filter) {
      try {
        compileExpression(dto.filter);
      } catch (err) {
        throw invalid('filter', `not a JSONata expression: ${(err as Error).message}`);
      }
    }
    const schedule = dto.schedule ?? DEFAULT_SCHEDULE;
    if (!isTimeZone(schedule.timeZone)) throw invalid('schedule.timeZone', 'unknown time zone');
    if (schedule.from >= schedule.to) throw invalid('schedule.to', 'must be after schedule.from');
    (dto.followUps ?? []).forEach((f, i) => {
      if (!parseDuration(f.after)) throw invalid(`followUps.${i}.after`, 'not an ISO 8601 duration');
    });
    const now = this.clock.now();
    const c: Campaign = {
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      name: dto.name,
      template: dto.template,
      filter: dto.filter ?? null,
      schedule,
      ratePerMinute: dto.ratePerMinute,
      followUps: dto.followUps ?? [],
      plans: dto.plans ?? DEFAULT_PLANS,
      pix: dto.pix ?? null,
      status: 'draft',
      creditFrom: null,
      startedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.campaigns.insert(c);
    return view(c);
  }

  /** The plans and Pix receiver of the campaign that last wrote to the debt (null: none did). */
  async termsOfDebt(debtId: string): Promise<Pick<Campaign, 'plans' | 'pix'> | null> {
    const [row]: Array<Pick<Campaign, 'plans' | 'pix'>> = await this.dataSource.query(
      `SELECT c.plans, c.pix FROM collection_campaign_sends s JOIN collection_campaigns c ON c.id = s.campaign_id
       WHERE s.debt_id = $1 ORDER BY s.sent_at DESC NULLS LAST, c.created_at DESC LIMIT 1`,
      [debtId],
    );
    return row ?? null;
  }

  async get(caller: Principal, id: string): Promise<CampaignView> {
    return view(await this.find(caller.workspaceId, id));
  }

  find(workspaceId: string, id: string): Promise<Campaign> {
    return this.campaigns.findOneBy({ id, workspaceId }).then((c) => {
      if (!c) throw notFound('Campaign');
      return c;
    });
  }

  /** Targets the open debts the filter picks (one first-step row each), then runs. */
  async start(caller: Principal, id: string): Promise<CampaignView> {
    const c = await this.find(caller.workspaceId, id);
    if (c.status !== 'draft') throw new CollectionsProblem('CAMPAIGN_STATE', `The campaign is ${c.status}`);
    const now = this.clock.now();
    const expression = c.filter ? compileExpression(c.filter) : undefined;
    const debts = await this.debts.findBy({ workspaceId: c.workspaceId, status: 'open' });
    const debtors = new Map(
      (await this.debtors.findBy({ workspaceId: c.workspaceId })).map((d) => [d.id, d]),
    );
    const chosen: string[] = [];
    for (const debt of debts) {
      if (expression) {
        const debtor = debtors.get(debt.debtorId);
        const input = {
          debt: { ...debt, dialogue: undefined },
          debtor: { name: debtor?.name, phone: debtor?.phone, taxIdKind: debtor?.taxIdKind },
        };
        const picked = await evaluate(expression, input).catch(() => false);
        if (!picked) continue;
      }
      chosen.push(debt.id);
    }
    await this.dataSource.transaction(async (tx) => {
      for (let i = 0; i < chosen.length; i += 5000) {
        const ids = chosen.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO collection_campaign_sends (campaign_id, debt_id, step, workspace_id, status, due_at)
           SELECT $1, d, 0, $2, 'pending', $3 FROM unnest($4::uuid[]) AS d ON CONFLICT DO NOTHING`,
          [c.id, c.workspaceId, now, ids],
        );
      }
      await tx.query(
        `UPDATE collection_campaigns SET status = 'running', started_at = $2, updated_at = $2 WHERE id = $1`,
        [c.id, now],
      );
    });
    return this.get(caller, id);
  }

  async transition(caller: Principal, id: string, to: CampaignStatus): Promise<CampaignView> {
    const allowed: Record<string, CampaignStatus[]> = {
      paused: ['running'],
      running: ['paused'],
      cancelled: ['draft', 'running', 'paused'],
    };
    const c = await this.find(caller.workspaceId, id);
    if (!allowed[to]?.includes(c.status))
      throw new CollectionsProblem('CAMPAIGN_STATE', `A ${c.status} campaign cannot become ${to}`);
    await this.campaigns.update({ id }, { status: to, creditFrom: null, updatedAt: this.clock.now() });
    return this.get(caller, id);
  }

  async stats(caller: Principal, id: string): Promise<CampaignStatsView> {
    const c = await this.find(caller.workspaceId, id);
    const [row]: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE s.step = 0) AS targeted,
              count(*) FILTER (WHERE s.status = 'sent') AS sent,
              count(*) FILTER (WHERE s.step = 0 AND d.status = 'promised') AS promised,
              count(*) FILTER (WHERE s.step = 0 AND d.status = 'paid') AS paid,
              count(*) FILTER (WHERE s.step = 0 AND d.status = 'opted_out') AS opted_out,
              coalesce(sum(d.paid_cents) FILTER (WHERE s.step = 0), 0) AS recovered,
              count(*) FILTER (WHERE s.step = 0 AND EXISTS (
                SELECT 1 FROM collection_messages m WHERE m.debt_id = s.debt_id AND m.created_at >= s.sent_at)) AS replied
       FROM collection_campaign_sends s JOIN collection_debts d ON d.id = s.debt_id WHERE s.campaign_id = $1`,
      [c.id],
    );
    const sentIds: Array<{ notification_id: string }> = await this.dataSource.query(
      `SELECT notification_id FROM collection_campaign_sends WHERE campaign_id = $1 AND notification_id IS NOT NULL`,
      [c.id],
    );
    const statuses = await this.notifications.statusesOf(sentIds.map((r) => r.notification_id));
    let delivered = 0;
    let read = 0;
    for (const s of statuses.values()) {
      if (s.status === 'read') read++;
      if (s.status === 'delivered' || s.status === 'read') delivered++;
    }
    const n = (k: string) => Number(row[k]);
    return {
      targeted: n('targeted'),
      sent: n('sent'),
      delivered,
      read,
      replied: n('replied'),
      promised: n('promised'),
      paid: n('paid'),
      amountRecoveredCents: n('recovered'),
      optedOut: n('opted_out'),
    };
  }
}
