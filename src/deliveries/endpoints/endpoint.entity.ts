import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A receiver of Ponte's outbound webhooks (a CRM, the finance system...). */
@Entity('endpoints')
@Index(['workspaceId', 'id'])
export class Endpoint {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  @Column('text') url: string;
  /** Patterns: `lead.*`, `*`, `payment.received`. */
  @Column('text', { array: true }) eventTypes: string[];
  /** When set, the current mapping for (event type, system) transforms `data` first. */
  @Column('text', { nullable: true }) system: string | null;
  /** Extra headers, sealed: they often carry the receiver's own credentials. */
  @Column('text', { nullable: true }) headersSealed: string | null;
  /** The signing secret (`whsec_...`), sealed. */
  @Column('text') secretSealed: string;
  /** After a rotation the old secret signs too until `previousSecretExpiresAt`. */
  @Column('text', { nullable: true }) previousSecretSealed: string | null;
  @Column('timestamptz', { nullable: true }) previousSecretExpiresAt: Date | null;
  @Column('int', { nullable: true }) rateLimitPerSecond: number | null;
  @Column('boolean', { default: true }) enabled: boolean;
  @Column('text', { nullable: true }) disabledReason: string | null;
  /** Start of the current run of nothing but failures (auto-disable after 5 days). */
  @Column('timestamptz', { nullable: true }) failingSince: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
