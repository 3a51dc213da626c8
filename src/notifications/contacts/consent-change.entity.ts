import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The consent log: every change of a contact's preferences, what, when and from where. */
@Entity('consent_changes')
@Index(['contactId', 'id'])
export class ConsentChange {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') contactId: string;
  /** `whatsapp`, `sms`, `email`, or `quietHours`. */
  @Column('text') channel: string;
  /** `transactional`, `marketing`, or null for quiet hours. */
  @Column('text', { nullable: true }) category: string | null;
  /** The new value: opted in (true) or out (false); null for quiet hours. */
  @Column('boolean', { nullable: true }) optedIn: boolean | null;
  /** `api` (PUT preferences, by which key or operator), `message` (a keyword the contact sent)... */
  @Column('text') source: string;
  /** e.g. the API key id, or the provider message id of the opt-out message. */
  @Column('text', { nullable: true }) detail: string | null;
  @Column('timestamptz') createdAt: Date;
}
