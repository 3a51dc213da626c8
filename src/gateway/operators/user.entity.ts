import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** An operator. E-mails are unique across the deployment: login names no workspace. */
@Entity('users')
@Index(['workspaceId', 'id'])
export class User {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text', { unique: true }) email: string;
  @Column('text') passwordHash: string;
  @Column('text') role: Role;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) disabledAt: Date | null;
}
