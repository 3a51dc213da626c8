import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';

/** Stored WhatsApp template mapping: parameters are Liquid expressions rendered with the data. */
export interface WhatsAppTemplateSpec {
  name: string;
  language: string;
  parameters: string[];
  contentSid?: string;
}

/**
 * One version of a template for one channel and locale. Saving the same (key, channel, locale)
 * again adds a version; sending uses the newest.
 */
@Entity('templates')
@Index(['workspaceId', 'key', 'channel', 'locale', 'version'], { unique: true })
export class Template {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') key: string;
  @Column('text') channel: Channel;
  @Column('text') locale: string;
  @Column('int') version: number;
  @Column('text', { nullable: true }) subject: string | null;
  @Column('text') body: string;
  @Column('jsonb', { nullable: true }) whatsapp: WhatsAppTemplateSpec | null;
  @Column('timestamptz') createdAt: Date;
}
