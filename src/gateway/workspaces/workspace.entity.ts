import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('workspaces')
export class Workspace {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { unique: true }) slug: string;
  /** How messages to contacts sign (`businessName` in templates); the name when null. */
  @Column('text', { nullable: true }) businessName: string | null;
  /** The business's IANA time zone (`workspace.timeZone` in workflow expressions). */
  @Column('text', { default: 'America/Sao_Paulo' }) timeZone: string;
  /** Template locale when a notification names none. */
  @Column('text', { default: 'pt-BR' }) locale: string;
  /** Where clients go (`address` in appointment templates). */
  @Column('text', { nullable: true }) address: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
