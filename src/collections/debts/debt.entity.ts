import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const DEBT_STATUSES = [
  'open',
  'promised',
  'negotiating',
  'paid_claimed',
  'paid',
  'disputed',
  'written_off',
  'opted_out',
] as const;
export type DebtStatus = (typeof DEBT_STATUSES)[number];

/** The assistant's memory of one debt's conversation (see assistant/dialogue.ts). */
export interface DialogueState {
  /** What the last message asked for: `receipt`, `plan`, `clarify`... */
  awaiting?: string | null;
  /** Instalment plans offered, for "a segunda" (counts in dialogues older than discounts). */
  offered?: Array<number | { instalments: number; discountPercent?: number }>;
  /** Chosen plan: instalments, the amount of each and the discount taken. */
  plan?: {
    installments: number;
    amountCents: number;
    paidInstallments: number;
    discountPercent?: number;
  } | null;
  /** A person took over: the assistant stays silent until released. */
  handedOver?: boolean;
  clarifications?: number;
  lastIntent?: string;
}

/** What is owed: one per external id in a workspace. Amounts are cents of BRL. */
@Entity('collection_debts')
@Index(['workspaceId', 'externalId'], { unique: true })
@Index(['workspaceId', 'debtorId'])
@Index(['workspaceId', 'status', 'id'])
@Index(['workspaceId', 'id'])
export class Debt {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('uuid') debtorId: string;
  @Column('text') externalId: string;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  amountCents: number;
  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  paidCents: number;
  /** YYYY-MM-DD. */
  @Column('date') dueDate: string;
  @Column('text') status: DebtStatus;
  @Column('text', { nullable: true }) description: string | null;
  /** The bank's boleto line (47 digits), when the creditor issued one. */
  @Column('text', { nullable: true }) boletoLine: string | null;
  /** Promised payment date (YYYY-MM-DD). */
  @Column('date', { nullable: true }) promisedFor: string | null;
  @Column('jsonb', { default: {} }) dialogue: DialogueState;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
