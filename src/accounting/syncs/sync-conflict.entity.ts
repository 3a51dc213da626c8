import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { FieldDiff, JsonObject } from '../canonical';

/**
 * Both sides changed an entity since the last sync: both versions kept, with the field diff,
 * until someone decides (`keep: local | remote | merge`). Nothing is overwritten meanwhile.
 */
@Entity('accounting_conflicts')
@Index(['workspaceId', 'id'])
@Index(['syncId'], { unique: true, where: `status = 'open'` })
export class SyncConflict {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') syncId: string;
  @Column('uuid') connectionId: string;
  @Column('text') entityType: string;
  @Column('text') localId: string;
  /** `open` or `resolved`. */
  @Column('text') status: string;
  @Column('jsonb', { nullable: true }) base: JsonObject | null;
  @Column('jsonb') local: JsonObject;
  @Column('jsonb') remote: JsonObject;
  @Column('jsonb') diff: FieldDiff[];
  /** `local`, `remote` or `merge`, once resolved. */
  @Column('text', { nullable: true }) resolution: string | null;
  /** The version chosen (what was, or will be, written). */
  @Column('jsonb', { nullable: true }) resolved: JsonObject | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz', { nullable: true }) resolvedAt: Date | null;
}
