import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** A booked service for a contact; mirrored by a Google event when a calendar is connected. */
@Entity('appointments')
@Index(['workspaceId', 'startsAt'])
@Index(['workspaceId', 'contactId'])
export class Appointment {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') contactId: string;
  @Column('text') service: string;
  @Column('timestamptz') startsAt: Date;
  @Column('timestamptz') endsAt: Date;
  @Column('int') durationMinutes: number;
  @Column('text') status: AppointmentStatus;
  @Column('uuid', { nullable: true }) connectionId: string | null;
  @Column('text', { nullable: true }) calendarId: string | null;
  @Column('text', { nullable: true }) resource: string | null;
  @Column('text', { nullable: true }) notes: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
