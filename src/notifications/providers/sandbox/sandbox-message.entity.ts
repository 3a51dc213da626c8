import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../../channels';

/** What the sandbox provider "sent": every channel works with no credentials. */
@Entity('sandbox_messages')
@Index(['workspaceId', 'channel', 'id'])
export class SandboxMessage {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid', { nullable: true }) notificationId: string | null;
  @Column('text') channel: Channel;
  @Column('text') to: string;
  @Column('text', { nullable: true }) subject: string | null;
  @Column('text') text: string;
  @Column('text', { nullable: true }) html: string | null;
  /** The whole outgoing message as adapters receive it (template, media, buttons). */
  @Column('jsonb') message: Record<string, unknown>;
  @Column('timestamptz') createdAt: Date;
}
