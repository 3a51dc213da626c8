import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An Open Channel line of a portal with our connector on it, answered by one WhatsApp provider:
 * messages reaching that provider's business number go to this line, agent replies on it leave
 * through that provider.
 */
@Entity('crm_lines')
@Index(['connectionId', 'lineId'], { unique: true })
@Index(['workspaceId', 'businessNumber'])
export class CrmLine {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') connectionId: string;
  /** Bitrix24's Open Channel line id (LINE). */
  @Column('text') lineId: string;
  @Column('text') connector: string;
  @Column('uuid') providerId: string;
  /** The provider's `<kind>:<id>` (meta:<phone_number_id>...), as inbound messages name it. */
  @Column('text') businessNumber: string;
  @Column('timestamptz') createdAt: Date;
}
