import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The last known state of a provider's WhatsApp Web session (WAHA, Z-API): what a status read,
 * a status webhook or a start/stop last said, so a drop is told once, not at every check.
 */
@Entity('provider_sessions')
@Index(['workspaceId'])
export class ProviderSession {
  /** The provider (notifications' `providers` row) this session belongs to. */
  @PrimaryColumn('uuid') providerId: string;
  @Column('uuid') workspaceId: string;
  /** waha | zapi */
  @Column('text') kind: string;
  /** STOPPED | STARTING | SCAN_QR_CODE | WORKING | FAILED */
  @Column('text') status: string;
  /** The provider's own word for it. */
  @Column('text') rawStatus: string;
  @Column('text', { nullable: true }) me: string | null;
  /** How many times it dropped (left WORKING without a stop): numbers the disconnected events. */
  @Column('int', { default: 0 }) drops: number;
  /** How many times it came (back) to WORKING: numbers the connected events. */
  @Column('int', { default: 0 }) connects: number;
  @Column('timestamptz') changedAt: Date;
  @Column('timestamptz') checkedAt: Date;
}
