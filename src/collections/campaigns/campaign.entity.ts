import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'cancelled', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignSchedule {
  /** ISO weekdays allowed: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local `HH:MM` the window opens and closes. */
  from: string;
  to: string;
  timeZone: string;
}

export interface FollowUp {
  /** ISO 8601 duration after the previous step was sent (`P3D`). */
  after: string;
  /** Liquid body. */
  template: string;
}

/** Where Pix codes of this campaign pay to (static BR Code). */
export interface PixReceiver {
  key: string;
  merchantName: string;
  merchantCity: string;
}

/** `instalments` payments of the (discounted) balance. */
export interface InstalmentPlan {
  instalments: number;
  /** Off the balance when the plan is chosen (0–90). */
  discountPercent?: number;
}

@Entity('collection_campaigns')
@Index(['workspaceId', 'id'])
@Index(['status'])
export class Campaign {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  /** Liquid body of the first message (debt and debtor in scope). */
  @Column('text') template: string;
  /** JSONata over `{debt, debtor}`; null targets every open debt. */
  @Column('text', { nullable: true }) filter: string | null;
  @Column('jsonb') schedule: CampaignSchedule;
  @Column('int') ratePerMinute: number;
  @Column('jsonb', { default: [] }) followUps: FollowUp[];
  /** The instalment plans the assistant offers, in this order ("a segunda" is the second). */
  @Column('jsonb', { default: [] }) plans: InstalmentPlan[];
  @Column('jsonb', { nullable: true }) pix: PixReceiver | null;
  @Column('text') status: CampaignStatus;
  /** Send credit accrues from here at ratePerMinute while the window is open. */
  @Column('timestamptz', { nullable: true }) creditFrom: Date | null;
  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
