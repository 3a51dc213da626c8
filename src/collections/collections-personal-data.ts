import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../platform/personal-data/personal-data';

/**
 * LGPD part of collections: the debtor records linked to a contact, their debts and the messages
 * the assistant classified. Erasure blanks who the debtor is (name, CPF/CNPJ, phone) and the
 * message texts, and unlinks the contact; the debts stay (amounts and statuses are the business's
 * records and the campaign figures), pointing at an anonymous debtor.
 */
@Injectable()
export class CollectionsPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('collections')
  async export(ws: string, c: DataSubject): Promise<unknown> {
    const debtors: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id, name, tax_id AS "taxId", tax_id_kind AS "taxIdKind", phone, created_at AS "createdAt"
       FROM collection_debtors WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at`,
      [ws, c.id],
    );
    const ids = debtors.map((d) => d.id);
    const debts: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id, debtor_id AS "debtorId", external_id AS "externalId", amount_cents AS "amountCents",
              due_date AS "dueDate", status FROM collection_debts WHERE workspace_id = $1 AND debtor_id = ANY($2)`,
      [ws, ids],
    );
    const messages: unknown[] = await this.dataSource.query(
      `SELECT id, debt_id AS "debtId", text, intent, created_at AS "createdAt"
       FROM collection_messages WHERE workspace_id = $1 AND debt_id = ANY($2) ORDER BY created_at`,
      [ws, debts.map((d) => d.id)],
    );
    return { debtors, debts, messages };
  }

  @ErasesPersonalData('collections')
  async erase(ws: string, c: DataSubject): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [, messages]: [unknown, number] = await tx.query(
        `UPDATE collection_messages m SET text = NULL FROM collection_debts d, collection_debtors p
         WHERE m.debt_id = d.id AND d.debtor_id = p.id AND p.workspace_id = $1 AND p.contact_id = $2
           AND m.text IS NOT NULL`,
        [ws, c.id],
      );
      const [, debtors]: [unknown, number] = await tx.query(
        `UPDATE collection_debtors SET name = 'erased', tax_id = '', phone = '', contact_id = NULL, updated_at = now()
         WHERE workspace_id = $1 AND contact_id = $2`,
        [ws, c.id],
      );
      return messages + debtors;
    });
  }
}
