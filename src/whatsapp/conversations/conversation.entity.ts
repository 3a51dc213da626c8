import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * One contact and one business number (Meta phone_number_id, Twilio sender, Z-API instance, WAHA
 * session). On the official APIs (Meta, Twilio) it has a 24-hour customer-service window from the
 * contact's last message; WhatsApp Web sessions (Z-API, WAHA) have none.
 */
@Entity('conversations')
@Index(['workspaceId', 'contactId', 'businessNumber'], { unique: true })
@Index(['workspaceId', 'id'])
export class Conversation {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') contactId: string;
  /** `<provider>:<business id>`, e.g. `meta:106540352242922`. */
  @Column('text') businessNumber: string;
  /** meta | twilio | zapi | waha */
  @Column('text') provider: string;
  /** The provider account replies go through, when the workspace has one for this number. */
  @Column('uuid', { nullable: true }) providerId: string | null;
  @Column('text') status: ConversationStatus;
  @Column('timestamptz', { nullable: true }) lastInboundAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastMessageAt: Date | null;
  @Column('int', { default: 0 }) unreadCount: number;
  /** The newest inbound provider message id, for mark-read. */
  @Column('text', { nullable: true }) lastInboundMessageId: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
