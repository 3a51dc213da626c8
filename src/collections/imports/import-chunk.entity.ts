import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The uploaded body, spooled in pieces while it streams in, so the API answers at once and any
 * worker can process it (API and worker may be different machines). Deleted once processed.
 */
@Entity('collection_import_chunks')
export class ImportChunk {
  @PrimaryColumn('uuid') importId: string;
  @PrimaryColumn('int') seq: number;
  @Column('bytea') data: Buffer;
}
