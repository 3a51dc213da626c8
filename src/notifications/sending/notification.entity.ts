import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';

export const NOTIFICATION_STATUSES = [
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
  'suppressed',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CATEGORIES = ['transactional', 'marketing'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One entry of a notification's timeline: a status reached, on which attempt, why. */
export interface TimelineEntry {
  status: NotificationStatus;
  at: string;
  attempt?: number;
  detail?: string;
}

/**
 * A request to reach one person (Novu's Notification): what to say, on which channels in fallback
 * order, and where it stands. Each provider call is a NotificationAttempt.
 */
@Entity('notifications')
// Lists are newest first by (created_at, id): a workflow's notifications have name-based ids.
@Index(['workspaceId', 'createdAt', 'id'])
@Index(['workspaceId', 'toContactId', 'createdAt', 'id'])
@Index('idx_notifications_pending', ['nextAttemptAt'], {
  where: `status IN ('scheduled', 'queued', 'sending')`,
})
export class Notification {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid', { nullable: true }) toContactId: string | null;
  /** Replies in a conversation go through its provider only. */
  @Column('uuid', { nullable: true }) conversationId: string | null;
  @Column('uuid', { nullable: true }) viaProviderId: string | null;
  /** E.164. */
  @Column('text', { nullable: true }) toPhone: string | null;
  @Column('text', { nullable: true }) toEmail: string | null;
  @Column('text', { array: true }) channels: Channel[];
  @Column('text', { nullable: true }) templateKey: string | null;
  @Column('text', { nullable: true }) locale: string | null;
  @Column('jsonb', { nullable: true }) content: Record<string, unknown> | null;
  @Column('jsonb') data: Record<string, unknown>;
  @Column('text') category: string;
  @Column('text') priority: string;
  @Column('timestamptz', { nullable: true }) sendAt: Date | null;
  @Column('text') status: NotificationStatus;
  /** Provider calls made so far (every attempt of every route). */
  @Column('int', { default: 0 }) attempts: number;
  /** Calls made on the current route (channel + provider), for its retry schedule. */
  @Column('int', { default: 0 }) routeTries: number;
  /** Routes given up on: `whatsapp:<providerId>`, or `whatsapp:*` for a whole channel. */
  @Column('text', { array: true, default: () => `'{}'` }) skippedRoutes: string[];
  @Column('uuid', { nullable: true }) currentAttemptId: string | null;
  @Column('text', { nullable: true }) channel: Channel | null;
  @Column('uuid', { nullable: true }) providerId: string | null;
  @Column('text', { nullable: true }) providerKind: string | null;
  @Column('text', { nullable: true }) providerMessageId: string | null;
  @Column('text', { nullable: true }) errorCode: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('jsonb', { default: () => `'[]'` }) timeline: TimelineEntry[];
  @Column('timestamptz') nextAttemptAt: Date;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  /** The batch job that carries the first call of a row stored due now (see assignBatchJobs). */
  @Column('text', { nullable: true, select: false }) jobId?: string | null;
}
