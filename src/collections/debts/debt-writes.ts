import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { ImportRow } from '../imports/import-rows';

const UPSERT_DEBTORS = `
  INSERT INTO collection_debtors (id, workspace_id, tax_id, tax_id_kind, name, phone, created_at, updated_at)
  SELECT id, $1, tax, kind, name, phone, $2, $2
  FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, tax, kind, name, phone)
  ON CONFLICT (workspace_id, tax_id) DO UPDATE
    SET name = EXCLUDED.name, phone = EXCLUDED.phone, updated_at = EXCLUDED.updated_at
  RETURNING id, tax_id`;

const UPSERT_DEBTS = `
  INSERT INTO collection_debts (id, workspace_id, debtor_id, external_id, amount_cents, paid_cents, due_date, status,
    description, boleto_line, dialogue, created_at, updated_at)
  SELECT id, $1, debtor, ext, amount, 0, due, 'open', descr, boleto, '{}'::jsonb, $2, $2
  FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::date[], $8::text[], $9::text[])
    AS t(id, debtor, ext, amount, due, descr, boleto)
  ON CONFLICT (workspace_id, external_id) DO UPDATE
    SET debtor_id = EXCLUDED.debtor_id, amount_cents = EXCLUDED.amount_cents, due_date = EXCLUDED.due_date,
        description = EXCLUDED.description, boleto_line = EXCLUDED.boleto_line, updated_at = EXCLUDED.updated_at
  RETURNING id, external_id, (xmax = 0) AS inserted`;

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  /** Debt id by external id. */
  ids: Map<string, { id: string; inserted: boolean }>;
}

/**
 * Debtors (by CPF/CNPJ) and debts (by external id) in two statements for any number of rows; a
 * later row of the same external id or document wins. Runs in the caller's transaction.
 */
export async function upsertDebts(
  manager: EntityManager,
  workspaceId: string,
  rows: ImportRow[],
  now: Date,
): Promise<UpsertOutcome> {
  const outcome: UpsertOutcome = { inserted: 0, updated: 0, ids: new Map() };
  if (rows.length === 0) return outcome;
  const debts = new Map<string, ImportRow>();
  for (const r of rows) debts.set(r.externalId, r);
  // the earlier rows of a repeated external id were overwritten by the later: updates
  outcome.updated += rows.length - debts.size;
  const debtors = new Map<string, ImportRow>();
  for (const r of debts.values()) debtors.set(r.taxId.value, r);
  const ds = [...debtors.values()];
  const debtorRows: Array<{ id: string; tax_id: string }> = await manager.query(UPSERT_DEBTORS, [
    workspaceId,
    now,
    ds.map(() => uuidv7()),
    ds.map((r) => r.taxId.value),
    ds.map((r) => r.taxId.kind),
    ds.map((r) => r.name),
    ds.map((r) => r.phone),
  ]);
  const debtorId = new Map(debtorRows.map((d) => [d.tax_id, d.id]));
  const list = [...debts.values()];
  const result: Array<{ id: string; external_id: string; inserted: boolean }> = await manager.query(
    UPSERT_DEBTS,
    [
      workspaceId,
      now,
      list.map(() => uuidv7()),
      list.map((r) => debtorId.get(r.taxId.value)),
      list.map((r) => r.externalId),
      list.map((r) => r.amountCents),
      list.map((r) => r.dueDate),
      list.map((r) => r.description),
      list.map((r) => r.boletoLine),
    ],
  );
  for (const r of result) {
    outcome.ids.set(r.external_id, { id: r.id, inserted: r.inserted });
    if (r.inserted) outcome.inserted++;
    else outcome.updated++;
  }
  return outcome;
}
