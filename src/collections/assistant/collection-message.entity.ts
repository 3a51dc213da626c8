import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An inbound reply of a debtor as the classifier read it, and an operator's correction. */
@Entity('collection_messages')
@Index(['workspaceId', 'id'])
@Index(['workspaceId', 'debtId', 'id'])
@Index(['workspaceId', 'providerMessageId'], { unique: true })
export class CollectionMessage {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') debtId: string;
  @Column('text') providerMessageId: string;
  @Column('text', { nullable: true }) text: string | null;
  @Column('text') kind: string;
  @Column('text') intent: string;
  @Column('real') confidence: number;
  @Column('jsonb', { default: {} }) entities: Record<string, number | string | number[]>;
  /** The intent an operator says it was (training data for `npm run collections:train`). */
  @Column('text', { nullable: true }) label: string | null;
  @Column('timestamptz', { nullable: true }) labelledAt: Date | null;
  @Column('timestamptz') createdAt: Date;
}
