import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The key itself is never stored: only its SHA-256 (keys are 192-bit random, so no salt is needed). */
@Entity('api_keys')
@Index(['workspaceId', 'id'])
export class ApiKey {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  /** The first characters, to recognise a key in lists. */
  @Column('text') prefix: string;
  @Column('text', { unique: true }) keyHash: string;
  @Column('text', { array: true }) scopes: string[];
  @Column('int', { nullable: true }) rateLimitPerMinute: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
}
