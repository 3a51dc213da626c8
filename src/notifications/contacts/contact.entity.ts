import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';

export type Category = 'transactional' | 'marketing';

/** Consent per channel and category; a missing entry means allowed (opt-out model). */
export type ChannelPreferences = Partial<Record<Channel, Partial<Record<Category, boolean>>>>;

/** No marketing between `start` and `end` (HH:mm, may wrap midnight) in `timeZone`. */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

/**
 * A person the business talks to. The phone is E.164 (Brazilian mobiles with the 9th digit) and
 * the WhatsApp id is kept beside it exactly as the provider sent it. Erasure (LGPD) blanks the
 * personal fields and keeps the row, so counts stay right.
 */
@Entity('contacts')
@Index(['workspaceId', 'id'])
@Index(['workspaceId', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index(['workspaceId', 'phone'], { unique: true, where: 'phone IS NOT NULL' })
@Index(['workspaceId', 'email'])
@Index(['workspaceId', 'waId'])
export class Contact {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text', { nullable: true }) externalId: string | null;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text', { nullable: true }) phone: string | null;
  @Column('text', { nullable: true }) waId: string | null;
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { nullable: true }) locale: string | null;
  @Column('text', { array: true, default: () => `'{}'` }) tags: string[];
  @Column('jsonb', { default: () => `'{}'` }) attributes: Record<string, unknown>;
  @Column('jsonb', { default: () => `'{}'` }) preferences: ChannelPreferences;
  @Column('jsonb', { nullable: true }) quietHours: QuietHours | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) erasedAt: Date | null;
}
