import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '../channels';

export const PROVIDER_KINDS = {
  whatsapp: ['meta', 'twilio', 'zapi', 'waha', 'sandbox'],
  sms: ['twilio', 'sandbox'],
  email: ['smtp', 'sendgrid', 'sandbox'],
} as const satisfies Record<Channel, readonly string[]>;
export type ProviderKind = (typeof PROVIDER_KINDS)[Channel][number];

/** A workspace's account at a messaging provider for one channel; its config is sealed. */
@Entity('providers')
@Index(['workspaceId', 'channel', 'priority'])
export class Provider {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') channel: Channel;
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
