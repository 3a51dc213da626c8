import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Contact } from './contact.entity';
import { contactNeedles, ErasesPersonalData, ExportsPersonalData } from './personal-data';

const MATCH = `workspace_id = $1 AND response_body IS NOT NULL
  AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(response_body::text, n) > 0)`;

/**
 * Answers kept for Idempotency-Key replays (24 h) copy what they answered: a created contact's
 * phone and e-mail, say. Erasure blanks those copies and keeps the rows, so a client retrying
 * with the same key still gets its replay (status and `{"erased": true}`) and never a second
 * create.
 */
@Injectable()
export class IdempotencyPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('idempotentReplays')
  export(ws: string, c: Contact): Promise<unknown> {
    return this.dataSource.query(
      `SELECT key, response_status AS status, response_body AS body, created_at AS "createdAt"
       FROM idempotency_keys WHERE ${MATCH} ORDER BY created_at`,
      [ws, contactNeedles(c)],
    );
  }

  @ErasesPersonalData('idempotentReplays')
  async erase(ws: string, c: Contact): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE idempotency_keys SET response_body = '{"erased": true}'::jsonb WHERE ${MATCH}`,
      [ws, contactNeedles(c)],
    );
    return count;
  }
}
