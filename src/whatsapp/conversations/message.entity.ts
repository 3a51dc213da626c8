import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type MessageDirection = 'inbound' | 'outbound';

/** A WhatsApp message of a conversation. Outbound ones go out as notifications. */
@Entity('messages')
@Index(['conversationId', 'id'])
@Index(['workspaceId', 'contactId'])
@Index(['workspaceId', 'direction', 'providerMessageId'], {
  unique: true,
  where: 'provider_message_id IS NOT NULL',
})
@Index(['notificationId'], { unique: true, where: 'notification_id IS NOT NULL' })
export class Message {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') conversationId: string;
  @Column('uuid') contactId: string;
  @Column('text') direction: MessageDirection;
  @Column('text', { nullable: true }) providerMessageId: string | null;
  /** text, image, document, template... */
  @Column('text') kind: string;
  @Column('text', { nullable: true }) text: string | null;
  @Column('jsonb', { nullable: true }) media: Record<string, unknown> | null;
  /** Inbound: `received` / `read`. Outbound: the notification's status. */
  @Column('text') status: string;
  @Column('uuid', { nullable: true }) notificationId: string | null;
  @Column('uuid', { nullable: true }) eventId: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
