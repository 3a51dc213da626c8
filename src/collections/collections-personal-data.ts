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
 * records and the campaign figures), pointing at an anonymous debtor. Imports keep no raw rows
 * once finished (counters and rejections with row, field and reason only).
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
      // the contact's debtors: linked to it, or (never messaged yet) with its phone
      const mine = `p.workspace_id = $1 AND (p.contact_id = $2 OR ($3::text IS NOT NULL AND p.phone = $3))`;
      const [, messages]: [unknown, number] = await tx.query(
        `UPDATE collection_messages m SET text = NULL FROM collection_debts d, collection_debtors p
         WHERE m.debt_id = d.id AND d.debtor_id = p.id AND ${mine} AND m.text IS NOT NULL`,
        [ws, c.id, c.phone],
      );
      const [, debtors]: [unknown, number] = await tx.query(
        `UPDATE collection_debtors p SET name = 'erased', tax_id = '', phone = '', contact_id = NULL, updated_at = now()
         WHERE ${mine}`,
        [ws, c.id, c.phone],
      );
      // raw uploads are purged when their import finishes; any left by an older version go now
      const [, uploads]: [unknown, number] = await tx.query(
        `DELETE FROM collection_import_chunks k USING collection_imports i
         WHERE k.import_id = i.id AND i.workspace_id = $1 AND i.status IN ('completed', 'failed')`,
        [ws],
      );
      return messages + debtors + uploads;
    });
  }
}
