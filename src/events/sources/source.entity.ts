import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SourceKind } from './source-kind';

/** An inbound connection: a provider or a business system posting to /webhooks/<slug>. */
@Entity('sources')
@Index(['workspaceId', 'id'])
export class Source {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  /** Unique across the deployment: the slug alone finds the source. */
  @Column('text', { unique: true }) slug: string;
  /** A declared source kind (`@SourceKindPlugin`). */
  @Column('text') kind: SourceKind;
  /** The kind's config (secrets included) sealed with the SecretBox, bound to the source id. */
  @Column('text') configSealed: string;
  @Column('boolean', { default: true }) enabled: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
