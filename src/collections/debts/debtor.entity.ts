import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Who owes: one per CPF/CNPJ in a workspace, reached on WhatsApp at `phone`. */
@Entity('collection_debtors')
@Index(['workspaceId', 'taxId'], { unique: true })
@Index(['workspaceId', 'phone'])
@Index(['workspaceId', 'id'])
export class Debtor {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  /** 11 digits (CPF) or 14 upper-case characters (CNPJ). */
  @Column('text') taxId: string;
  /** cpf | cnpj */
  @Column('text') taxIdKind: string;
  @Column('text') name: string;
  /** E.164. */
  @Column('text') phone: string;
  /** The contact of the notifications module, linked when the debtor is first messaged or writes. */
  @Column('uuid', { nullable: true }) contactId: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
