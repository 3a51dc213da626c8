import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One version of the JSONata mapping for (event type, target system). Versions are never edited:
 * a change is the next version, so what a delivery was sent with can always be looked up.
 */
@Entity('mappings')
@Index(['workspaceId', 'eventType', 'system', 'version'], { unique: true })
@Index(['workspaceId', 'id'])
export class Mapping {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') eventType: string;
  /** The endpoint's `system` this mapping shapes data for, e.g. `crm`. */
  @Column('text') system: string;
  /** 1, 2, 3... per (workspace, event type, system). */
  @Column('int') version: number;
  /** JSONata source, checked to compile when stored. */
  @Column('text') expression: string;
  @Column('timestamptz') createdAt: Date;
}
