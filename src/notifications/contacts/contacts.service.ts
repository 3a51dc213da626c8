import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { Batched } from '../../platform/database/batched';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { notFound, ProblemException } from '../../platform/http/problem';
import { toE164 } from '../phone';
import { ContactPreferencesService, ConsentSetting } from './contact-preferences.service';
import { toContactView } from './contact-views';
import { Contact } from './contact.entity';
import { ContactQuery, ContactView, UpdateContactDto, UpsertContactDto } from './contacts.dto';
import { ContactReads } from './contact-reads';
import { ContactWrites, phoneFromWaId } from './contact-writes';

interface TagAddition {
  workspaceId: string;
  id: string;
  tags: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The contact row's type, for modules that receive one from here (they never import the entity). */
export type { Contact };

/** What an inbound message (or an outbound one to a bare address) knows about the person. */
export interface ChannelAddress {
  waId?: string;
  phone?: string;
  email?: string;
  name?: string | null;
  /** Tags a contact this call creates starts with (a found contact's tags are left as they are). */
  tags?: string[];
}

/** What `findByAddress` looks up: the phone in E.164 and the e-mail trimmed and in lower case. */
export function addressKey(address: { phone?: string | null; email?: string | null }): {
  phone: string | null;
  email: string | null;
} {
  return {
    phone: (address.phone && toE164(address.phone)) || null,
    email: address.email?.trim().toLowerCase() || null,
  };
}

/**
 * A contact a caller looked up moments ago, and by what (`find`'s id, or `findByAddress`'s key):
 * the answer stands for the same lookup made again within the same piece of work.
 */
export interface KnownContact {
  by: { id: string } | { phone: string | null; email: string | null };
  contact: Contact | null;
}

/**
 * What `find(id)` or `findByAddress(address)` would answer when `known` was that very lookup, or
 * found the contact with that id; undefined when it must be asked.
 */
export function knownAnswer(
  known: KnownContact | undefined,
  lookup: { id: string } | { phone?: string | null; email?: string | null },
): Contact | null | undefined {
  if (!known) return undefined;
  if ('id' in lookup) {
    if (known.contact?.id === lookup.id) return known.contact;
    return 'id' in known.by && known.by.id === lookup.id ? known.contact : undefined;
  }
  if ('id' in known.by) return undefined;
  const key = addressKey(lookup);
  return key.phone === known.by.phone && key.email === known.by.email ? known.contact : undefined;
}

/**
 * Contacts: the API (upsert by externalId, else phone; get, patch, search) and what other modules
 * use (`find`, `findByAddress`, `upsertFromChannel`, `setConsent`). Erased contacts are invisible.
 */
@Injectable()
export class ContactsService {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    private readonly writes: ContactWrites,
    private readonly reads: ContactReads,
    private readonly preferences: ContactPreferencesService,
    private readonly clock: Clock,
  ) {}

  private readonly tagging = new Batched<TagAddition, string[] | null>((items) => this.addTagsMany(items));

  /** POST /v1/contacts: `created` tells 201 from 200. */
  async upsert(
    caller: Principal,
    dto: UpsertContactDto,
  ): Promise<{ contact: ContactView; created: boolean }> {
    const ws = caller.workspaceId;
    const phone = this.writes.lookupPhone(dto);
    if (!dto.externalId && !phone && !dto.email) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: '(body)', message: 'give at least one of externalId, phone, waId or email' }],
      });
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      let found = dto.externalId ? await this.one(ws, { externalId: dto.externalId }) : null;
      if (!found && phone) {
        found = await this.one(ws, { phone });
        if (found?.externalId && dto.externalId && found.externalId !== dto.externalId) {
          throw this.writes.conflict('phone', found.id);
        }
      }
      if (found) {
        const changed = await this.writes.change(ws, found.id, dto, phone);
        if (changed) return { contact: toContactView(changed), created: false };
        continue; // erased meanwhile
      }
      const row = this.newContact(ws, { ...this.writes.fieldsOf(dto), phone: phone ?? null });
      if (await this.writes.insert(row)) return { contact: toContactView(row), created: true };
      // Someone created it meanwhile (same externalId or phone): the next round finds it.
    }
    throw new ProblemException('CONFLICT', 'The contact changed concurrently; retry');
  }

  async get(caller: Principal, id: string): Promise<ContactView> {
    const c = await this.find(caller.workspaceId, id);
    if (!c) throw notFound('Contact');
    return toContactView(c);
  }

  /** Fields given replace the current ones; tags are replaced, attributes merged (null removes a key). */
  async update(caller: Principal, id: string, dto: UpdateContactDto): Promise<ContactView> {
    const changed = await this.writes.change(caller.workspaceId, id, dto, this.writes.lookupPhone(dto));
    if (!changed) throw notFound('Contact');
    return toContactView(changed);
  }

  list(caller: Principal, query: ContactQuery): Promise<Page<ContactView>> {
    const qb = this.contacts
      .createQueryBuilder('c')
      .where('c.workspaceId = :ws AND c.erasedAt IS NULL', { ws: caller.workspaceId });
    if (query.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: query.tag });
    const search = query.search?.trim();
    if (search) {
      const ors = ['c.name ILIKE :like', 'c.email ILIKE :like', 'c.externalId ILIKE :like'];
      const digits = search.replace(/\D/g, '');
      if (digits.length >= 3) ors.push('c.phone LIKE :digits');
      const e164 = digits.length >= 8 ? toE164(search) : undefined;
      if (e164) ors.push('c.phone = :e164');
      qb.andWhere(`(${ors.join(' OR ')})`, {
        like: `%${escapeLike(search)}%`,
        digits: `%${digits}%`,
        e164,
      });
    }
    return paginate(qb, query, toContactView);
  }

  /** Adds tags (kept once each, in the order first added); the new list, or null when the contact is gone. */
  addTags(workspaceId: string, id: string, tags: string[]): Promise<string[] | null> {
    return this.tagging.run({ workspaceId, id, tags });
  }

  /** One UPDATE for the tags of concurrent callers; two for one contact are added together. */
  private async addTagsMany(items: TagAddition[]): Promise<Array<string[] | null>> {
    const merged = new Map<string, TagAddition>();
    for (const item of items) {
      const key = `${item.workspaceId}/${item.id}`;
      const before = merged.get(key);
      merged.set(key, before ? { ...item, tags: [...before.tags, ...item.tags] } : item);
    }
    const input = [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const [rows]: [Array<{ id: string; tags: string[] }>] = await this.contacts.query(
      `UPDATE contacts c SET updated_at = $2,
         tags = ARRAY(SELECT t FROM unnest(c.tags || ARRAY(SELECT jsonb_array_elements_text(i.tags))) WITH ORDINALITY AS u(t, n)
                      GROUP BY t ORDER BY min(n))
       FROM (SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, workspace_id uuid, tags jsonb) LIMIT $3) i
       WHERE c.id = i.id AND c.workspace_id = i.workspace_id AND c.erased_at IS NULL RETURNING c.id, c.tags`,
      [
        JSON.stringify(input.map((i) => ({ id: i.id, workspace_id: i.workspaceId, tags: i.tags }))),
        this.clock.now(),
        input.length, // the row count for the planner: contacts by primary key, not a scan of the table
      ],
    );
    const tagsOf = new Map(rows.map((r) => [r.id, r.tags]));
    return items.map((item) => tagsOf.get(item.id) ?? null);
  }

  /** The contact, or null when unknown, in another workspace, or erased. */
  async find(workspaceId: string, id: string): Promise<Contact | null> {
    if (!UUID.test(id)) return null;
    return this.reads.one(workspaceId, 'id', id);
  }

  /** The contact with this phone (normalised to E.164), else the oldest with this e-mail. */
  async findByAddress(
    workspaceId: string,
    address: { phone?: string | null; email?: string | null },
  ): Promise<Contact | null> {
    const { phone, email } = addressKey(address);
    const byPhone = phone ? await this.one(workspaceId, { phone }) : null;
    if (byPhone) return byPhone;
    return email ? this.one(workspaceId, { email }) : null;
  }

  /**
   * The contact an inbound message comes from, created when missing: found by the phone from
   * `waId` (or `phone`), else by e-mail (else, with neither, by the exact `waId`). `waId` is kept
   * as given (updated when it changed); name, phone and e-mail only fill empty fields. Concurrent
   * calls for one person make one contact.
   */
  async upsertFromChannel(workspaceId: string, input: ChannelAddress): Promise<Contact> {
    const phone =
      (input.waId && phoneFromWaId(input.waId)) || (input.phone ? toE164(input.phone) : undefined);
    const email = input.email?.trim().toLowerCase() || undefined;
    const waId = input.waId || undefined;
    const name = input.name?.trim() || undefined;
    if (!phone && !email && !waId) throw new Error('upsertFromChannel needs a waId, phone or e-mail');
    for (let attempt = 0; attempt < 3; attempt++) {
      let found = phone ? await this.one(workspaceId, { phone }) : null;
      if (!found && email) {
        found = await this.one(workspaceId, { email });
        if (found?.phone && phone && found.phone !== phone) found = null; // someone else's e-mail
      }
      if (!found && !phone && !email) found = await this.one(workspaceId, { waId });
      if (found) return this.writes.fill(found, { waId, name, phone, email });
      const row = this.newContact(workspaceId, {
        phone: phone ?? null,
        waId: waId ?? null,
        email: email ?? null,
      });
      row.name = name ?? null;
      row.tags = [...new Set(input.tags ?? [])];
      // Without a phone no unique index stops a twin: serialise on the address instead.
      const lock = phone ? undefined : `contact:${workspaceId}:${email ? `email:${email}` : `wa:${waId}`}`;
      if (await this.writes.insert(row, lock)) return row;
    }
    throw new Error('contact upsert from channel did not settle');
  }

  /** Opt in or out of one (channel, category); true when it changed something (and logged it). */
  setConsent(
    workspaceId: string,
    contactId: string,
    change: ConsentSetting & { source: string; detail?: string },
  ): Promise<boolean> {
    return this.preferences.setConsent(workspaceId, contactId, change);
  }

  /** The oldest live contact matching `where` in the workspace. */
  private one(
    workspaceId: string,
    where: Partial<Record<'externalId' | 'phone' | 'email' | 'waId', string>>,
  ): Promise<Contact | null> {
    const [[field, value]] = Object.entries(where) as [['externalId' | 'phone' | 'email' | 'waId', string]];
    return this.reads.one(workspaceId, field, value);
  }

  private newContact(workspaceId: string, fields: Partial<Contact>): Contact {
    const now = this.clock.now();
    return {
      id: uuidv7(),
      workspaceId,
      externalId: null,
      name: null,
      phone: null,
      waId: null,
      email: null,
      locale: null,
      tags: [],
      attributes: {},
      preferences: {},
      quietHours: null,
      createdAt: now,
      updatedAt: now,
      erasedAt: null,
      ...fields,
    };
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}
