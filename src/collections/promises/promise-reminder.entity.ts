import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const REMINDER_STATUSES = ['pending', 'sending', 'sent', 'cancelled'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * The reminder of one promise (a debt and the date promised): sent once, the allowed day before
 * the date, by the collections tick; cancelled when the debt is paid (or promised again) first.
 */
@Entity('collection_promise_reminders')
@Index(['status', 'dueAt'])
export class PromiseReminder {
  @PrimaryColumn('uuid') debtId: string;
  /** YYYY-MM-DD promised. */
  @PrimaryColumn('date') promisedFor: string;
  @Column('uuid') workspaceId: string;
  @Column('text') status: ReminderStatus;
  /** Not before (the window's opening, the allowed day before the date). */
  @Column('timestamptz') dueAt: Date;
  /** The window's close that day: not sent after it. */
  @Column('timestamptz') until: Date;
  @Column('timestamptz', { nullable: true }) claimedAt: Date | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @Column('uuid', { nullable: true }) notificationId: string | null;
  @Column('text', { nullable: true }) reason: string | null;
}
