import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('workspaces')
export class Workspace {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { unique: true }) slug: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
