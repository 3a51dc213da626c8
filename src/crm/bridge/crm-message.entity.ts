import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type CrmMessageDirection = 'inbound' | 'outbound';
/** inbound: pending → sent (to Bitrix24). outbound: pending → accepted → delivered → read | failed. */
export type CrmMessageStatus = 'pending' | 'sent' | 'accepted' | 'delivered' | 'read' | 'failed';

/**
 * A message the bridge carried: a customer's (keyed by the provider's message id) or an agent's
 * (keyed by Bitrix24's message id), so that neither is carried twice whatever retries.
 */
@Entity('crm_messages')
@Index(['chatId', 'direction', 'externalId'], { unique: true })
@Index(['notificationId'], { unique: true, where: 'notification_id IS NOT NULL' })
@Index(['workspaceId', 'providerMessageId'], { where: 'provider_message_id IS NOT NULL' })
export class CrmMessage {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  /** The crm_chats row. */
  @Column('uuid') chatId: string;
  @Column('text') direction: CrmMessageDirection;
  @Column('text') externalId: string;
  @Column('text') status: CrmMessageStatus;
  /** Outbound: Bitrix24's Open Channel chat and message, what delivery reports name. */
  @Column('text', { nullable: true }) b24ChatId: string | null;
  @Column('uuid', { nullable: true }) notificationId: string | null;
  @Column('text', { nullable: true }) providerMessageId: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
