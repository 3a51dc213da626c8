import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BatchLoader } from '../../platform/database/batched';
import { columnOf, selectEntities } from '../../platform/database/entity-rows';
import { Contact } from './contact.entity';

export type ContactKey = 'id' | 'externalId' | 'phone' | 'email' | 'waId';
const KEYS: ContactKey[] = ['id', 'externalId', 'phone', 'email', 'waId'];
const SEP = '\u0000';

/**
 * Live contacts by id or by one address, the oldest first: the lookups of concurrent jobs (a
 * workflow's scope, a send, a tag) become one `JOIN unnest(...)` statement per key kind.
 */
@Injectable()
export class ContactReads {
  private readonly loader = new BatchLoader<string, Contact>((keys) => this.load(keys));

  constructor(@InjectRepository(Contact) private readonly contacts: Repository<Contact>) {}

  /** The oldest live contact of the workspace whose `key` is `value`. */
  async one(workspaceId: string, key: ContactKey, value: string): Promise<Contact | null> {
    return (await this.loader.load([key, workspaceId, value].join(SEP))) ?? null;
  }

  private async load(keys: string[]): Promise<Map<string, Contact>> {
    const found = new Map<string, Contact>();
    const split = keys.map((k) => k.split(SEP) as [ContactKey, string, string]);
    await Promise.all(
      KEYS.map(async (key) => {
        const wanted = split.filter(([k]) => k === key);
        if (wanted.length === 0) return;
        const column = columnOf(this.contacts, key);
        const rows = await selectEntities(
          this.contacts,
          `SELECT DISTINCT ON (c.workspace_id, c.${column}) c.* FROM contacts c
             JOIN unnest($1::uuid[], $2::${key === 'id' ? 'uuid' : 'text'}[]) AS k(ws, v)
               ON c.workspace_id = k.ws AND c.${column} = k.v
           WHERE c.erased_at IS NULL ORDER BY c.workspace_id, c.${column}, c.id`,
          [wanted.map(([, ws]) => ws), wanted.map(([, , v]) => v)],
        );
        for (const row of rows) found.set([key, row.workspaceId, String(row[key])].join(SEP), row);
      }),
    );
    return found;
  }
}
