import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One WhatsApp user on one line: wa_id ↔ Bitrix24 contact ↔ Open Channel chat ↔ our conversation. */
@Entity('crm_chats')
@Index(['lineRowId', 'waId'], { unique: true })
@Index(['workspaceId', 'connectionId'])
export class CrmChat {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') connectionId: string;
  /** The crm_lines row. */
  @Column('uuid') lineRowId: string;
  @Column('text') waId: string;
  @Column('text', { nullable: true }) contactName: string | null;
  @Column('text', { nullable: true }) b24ContactId: string | null;
  @Column('text', { nullable: true }) b24ChatId: string | null;
  @Column('uuid', { nullable: true }) conversationId: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
