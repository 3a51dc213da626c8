import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';
import type { ProviderKind } from './provider-kind';

/** A workspace's account at a messaging provider for one channel; its config is sealed. */
@Entity('providers')
@Index(['workspaceId', 'channel', 'priority'])
export class Provider {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') channel: Channel;
  /** A declared provider kind (`@ProviderKindPlugin`). */
  @Column('text') kind: ProviderKind;
  @Column('text') name: string;
  /** JSON of the kind's config, sealed with the SecretBox (aad = provider id). */
  @Column('text') configSealed: string;
  /** Lower numbers are tried first within the channel. */
  @Column('int') priority: number;
  @Column('int', { nullable: true }) rateLimitPerSecond: number | null;
  @Column('boolean') enabled: boolean;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
