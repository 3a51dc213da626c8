import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DataSubject } from '../../platform/personal-data/personal-data';
import {
  contactNeedles,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../platform/personal-data/personal-data';

const MENTIONS = (columns: string) =>
  `workspace_id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(${columns}, n) > 0)`;
const SYNC_TEXT = `coalesce(pending::text, '') || coalesce(synced::text, '')`;
const CONFLICT_TEXT = `coalesce("local"::text, '') || coalesce(remote::text, '') || coalesce(base::text, '')`;

/**
 * LGPD part of accounting: the customer versions kept on sync records and conflicts that mention
 * the contact (e-mail, phone, id). Erasure blanks them and keeps the rows (counts, statuses); a
 * sync still pending is failed rather than sent blank. What the accounting system itself holds is
 * the business's fiscal record, not erased from here.
 */
@Injectable()
export class AccountingPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('accountingSyncs')
  async export(ws: string, c: DataSubject): Promise<unknown> {
    const needles = contactNeedles(c);
    const syncs = await this.dataSource.query(
      `SELECT id, connection_id AS "connectionId", entity_type AS "entityType", local_id AS "localId",
         external_id AS "externalId", status, pending, synced
       FROM accounting_syncs WHERE ${MENTIONS(SYNC_TEXT)} ORDER BY id`,
      [ws, needles],
    );
    const conflicts = await this.dataSource.query(
      `SELECT id, sync_id AS "syncId", status, "local", remote, base, diff
       FROM accounting_conflicts WHERE ${MENTIONS(CONFLICT_TEXT)} ORDER BY id`,
      [ws, needles],
    );
    return { syncs, conflicts };
  }

  @ErasesPersonalData('accountingSyncs')
  async erase(ws: string, c: DataSubject): Promise<number> {
    const needles = contactNeedles(c);
    const [, conflicts]: [unknown, number] = await this.dataSource.query(
      `UPDATE accounting_conflicts SET "local" = '{"erased": true}', remote = '{"erased": true}', base = NULL,
         diff = '[]', resolved = NULL,
         status = 'resolved', resolution = coalesce(resolution, 'erased'), resolved_at = coalesce(resolved_at, now())
       WHERE ${MENTIONS(CONFLICT_TEXT)}`,
      [ws, needles],
    );
    const [, syncs]: [unknown, number] = await this.dataSource.query(
      `UPDATE accounting_syncs SET pending = jsonb_build_object('id', local_id, 'erased', true),
         synced = CASE WHEN synced IS NULL THEN NULL ELSE jsonb_build_object('id', local_id, 'erased', true) END,
         status = CASE WHEN status IN ('pending', 'conflict') THEN 'failed' ELSE status END,
         last_error = CASE WHEN status IN ('pending', 'conflict') THEN 'ERASED: personal data erased (LGPD)' ELSE last_error END,
         next_attempt_at = NULL
       WHERE ${MENTIONS(SYNC_TEXT)}`,
      [ws, needles],
    );
    return syncs + conflicts;
  }
}
