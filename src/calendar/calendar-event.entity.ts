import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where the local copy stands against Google: synced, or a change still to push. */
export const PUSH_STATES = ['synced', 'create', 'update', 'delete'] as const;
export type PushState = (typeof PUSH_STATES)[number];

/**
 * The local mirror of one Google Calendar event: created here (and pushed by a job) or learnt by
 * the incremental sync. Conflicts and availability read it; `appointmentId` ties an appointment to
 * its event, so that a change made in Google reaches the appointment.
 */
@Entity('calendar_events')
@Index(['connectionId', 'calendarId', 'googleEventId'], { unique: true })
@Index(['workspaceId', 'connectionId', 'calendarId', 'startsAt'])
@Index(['appointmentId'])
@Index('idx_calendar_events_unpushed', ['updatedAt'], { where: `push_state <> 'synced'` })
export class CalendarEvent {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') connectionId: string;
  @Column('text') calendarId: string;
  @Column('text') googleEventId: string;
  @Column('text', { nullable: true }) summary: string | null;
  @Column('text', { nullable: true }) description: string | null;
  @Column('text', { nullable: true }) location: string | null;
  @Column('timestamptz') startsAt: Date;
  @Column('timestamptz') endsAt: Date;
  @Column('text', { nullable: true }) timeZone: string | null;
  /** confirmed, tentative or cancelled (Google's words). */
  @Column('text') status: string;
  @Column('uuid', { nullable: true }) appointmentId: string | null;
  @Column('text') pushState: PushState;
  /** Bumped by every local change: names the push job, so an old job does nothing. */
  @Column('int', { default: 0 }) pushSeq: number;
  @Column('int', { default: 0 }) pushAttempts: number;
  @Column('text', { nullable: true }) pushError: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
