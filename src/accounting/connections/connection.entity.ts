import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A workspace's account at an accounting system (Omie, or any REST ERP); its config is sealed. */
@Entity('accounting_connections')
@Index(['workspaceId', 'id'])
export class AccountingConnection {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  /** `omie` or `rest`. */
  @Column('text') kind: string;
  @Column('text') name: string;
  /** JSON of the kind's config, sealed with the SecretBox (aad = connection id). */
  @Column('text') configSealed: string;
  /** The events that sync to this connection: `client.registered`, `client.updated`, `invoice.issued`, `payment.received`. */
  @Column('text', { array: true }) triggers: string[];
  @Column('boolean') enabled: boolean;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
