import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const SEND_STATUSES = ['pending', 'sending', 'sent', 'skipped'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/**
 * One message of a campaign to one debt at one step (0 = first message, 1.. = follow-ups). The
 * primary key is the "one message per debt per step" rule: whatever restarts, a step is one row,
 * and its notification id is derived from it, so a re-send after a crash is the same notification.
 */
@Entity('collection_campaign_sends')
@Index(['campaignId', 'status', 'dueAt'])
@Index(['workspaceId', 'debtId'])
export class CampaignSend {
  @PrimaryColumn('uuid') campaignId: string;
  @PrimaryColumn('uuid') debtId: string;
  @PrimaryColumn('int') step: number;
  @Column('uuid') workspaceId: string;
  @Column('text') status: SendStatus;
  /** Not before. */
  @Column('timestamptz') dueAt: Date;
  @Column('uuid', { nullable: true }) notificationId: string | null;
  @Column('timestamptz', { nullable: true }) claimedAt: Date | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @Column('text', { nullable: true }) skipReason: string | null;
}
