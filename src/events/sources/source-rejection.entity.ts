import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A refused webhook: reason and time only, never the payload. */
@Entity('source_rejections')
@Index(['sourceId', 'id'])
export class SourceRejection {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') sourceId: string;
  @Column('uuid') workspaceId: string;
  @Column('text') reason: string;
  @Column('timestamptz') createdAt: Date;
}
