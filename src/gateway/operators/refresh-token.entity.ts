import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Refresh tokens rotate on every use; all tokens of one login share a family, so a stolen token
 * used twice revokes the whole family.
 */
@Entity('refresh_tokens')
@Index(['familyId'])
export class RefreshToken {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') familyId: string;
  @Column('text', { unique: true }) tokenHash: string;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
