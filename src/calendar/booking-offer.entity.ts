import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Slots offered to a contact on WhatsApp, so that the reply ("2", or a tapped button) books the
 * slot it names. `appointmentId` is set when the offer moves an existing appointment.
 */
@Entity('booking_offers')
@Index(['workspaceId', 'contactId', 'createdAt'])
export class BookingOffer {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') contactId: string;
  @Column('text') service: string;
  @Column('int') durationMinutes: number;
  /** `[{start, end}]` ISO times, in the order offered (reply 1 is the first). */
  @Column('jsonb') slots: Array<{ start: string; end: string }>;
  @Column('uuid', { nullable: true }) appointmentId: string | null;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
}
