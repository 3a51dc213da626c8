import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ALERT_CONDITIONS = ['gt', 'gte', 'lt', 'lte'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];
/** `ok` → `pending` (condition holds, window not yet over) → `firing` → `resolving` (clear, window not yet over) → `ok`. */
export type AlertState = 'ok' | 'pending' | 'firing' | 'resolving';

export interface AlertChannel {
  type: 'email' | 'slack' | 'discord' | 'webhook';
  /** Slack/Discord incoming-webhook URL or the webhook's URL. */
  url?: string;
  /** E-mail recipients. */
  to?: string[];
}

/** A rule of a workspace: `metric condition threshold` holding for `window` fires; clear for `window` resolves. */
@Entity('alert_rules')
@Index(['workspaceId', 'id'])
export class AlertRule {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  @Column('text') metric: string;
  @Column('text') condition: AlertCondition;
  @Column('double precision') threshold: number;
  /** ISO 8601 duration as given (`PT1M`) and in milliseconds. */
  @Column('text') window: string;
  @Column('integer') windowMs: number;
  @Column('jsonb') channels: AlertChannel[];
  @Column('boolean') enabled: boolean;
  /** The preset it was made from (`retry-queue-over-100`), or null. */
  @Column('text', { nullable: true }) preset: string | null;
  @Column('text') state: AlertState;
  @Column('timestamptz', { nullable: true }) stateSince: Date | null;
  @Column('double precision', { nullable: true }) lastValue: number | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
