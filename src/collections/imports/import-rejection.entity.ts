import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A row an import refused: its number (1 = first data row), the field and why. */
@Entity('collection_import_rejections')
export class ImportRejection {
  @PrimaryColumn('uuid') importId: string;
  @PrimaryColumn('int') row: number;
  @Column('text') field: string;
  @Column('text') reason: string;
}
