import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../../platform/clock';
import { Batched } from '../../platform/database/batched';
import { ProblemException } from '../../platform/http/problem';
import { toE164 } from '../phone';
import { Contact } from './contact.entity';
import type { ContactFieldsDto } from './contacts.dto';

/** The phone in a WhatsApp id (`553192953088`, `whatsapp:+55…`, `553192953088@c.us`), in E.164. */
export function phoneFromWaId(waId: string): string | undefined {
  const digits = waId
    .replace(/^whatsapp:/, '')
    .split('@')[0]
    .replace(/\D/g, '');
  return digits ? toE164(`+${digits}`) : undefined;
}

type Unique = 'phone' | 'externalId';

/**
 * Writes to contacts that must stay right under concurrency: inserts that yield to a twin created
 * meanwhile, changes under a row lock, unique violations answered as 409 naming the other contact.
 */
@Injectable()
export class ContactWrites {
  private readonly inserts = new Batched<Contact, boolean>((rows) => this.insertMany(rows));

  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    private readonly clock: Clock,
  ) {}

  /** The phone to find a contact by: `phone` normalised, else (phone not given) the one in `waId`. */
  lookupPhone(dto: ContactFieldsDto): string | undefined {
    if (dto.phone) return toE164(dto.phone);
    if (dto.phone === undefined && dto.waId) return phoneFromWaId(dto.waId);
    return undefined;
  }

  /** The fields a DTO sets, normalised; attributes without null keys (merging is `change`'s). */
  fieldsOf(dto: ContactFieldsDto): Partial<Contact> {
    const f: Partial<Contact> = {};
    if (dto.externalId !== undefined) f.externalId = dto.externalId;
    if (dto.name !== undefined) f.name = dto.name;
    if (dto.phone !== undefined) f.phone = dto.phone === null ? null : (toE164(dto.phone) ?? null);
    if (dto.waId !== undefined) f.waId = dto.waId;
    if (dto.email !== undefined) f.email = dto.email === null ? null : dto.email.trim().toLowerCase();
    if (dto.locale !== undefined) f.locale = dto.locale;
    if (dto.tags) f.tags = [...new Set(dto.tags)];
    if (dto.attributes) f.attributes = mergeAttributes({}, dto.attributes);
    return f;
  }

  /** Applies a DTO to a live contact under a row lock; null when there is none (or it was erased). */
  async change(
    workspaceId: string,
    id: string,
    dto: ContactFieldsDto,
    lookupPhone: string | undefined,
  ): Promise<Contact | null> {
    try {
      return await this.contacts.manager.transaction(async (tx) => {
        const c = await tx
          .getRepository(Contact)
          .createQueryBuilder('c')
          .setLock('pessimistic_write')
          .where('c.id = :id AND c.workspaceId = :ws AND c.erasedAt IS NULL', { id, ws: workspaceId })
          .getOne();
        if (!c) return null;
        const next = this.fieldsOf(dto);
        if (dto.attributes) next.attributes = mergeAttributes(c.attributes ?? {}, dto.attributes);
        if (next.phone === undefined && !c.phone && lookupPhone) next.phone = lookupPhone;
        // Checked first so that only a true race reaches the unique index (whose error is logged).
        for (const field of ['phone', 'externalId'] as const) {
          const value = next[field];
          if (!value || value === c[field]) continue;
          const other = await tx.getRepository(Contact).findOneBy({ workspaceId, [field]: value });
          if (other) throw this.conflict(field, other.id);
        }
        next.updatedAt = this.clock.now();
        await tx.update(Contact, { id }, writable(next));
        return { ...c, ...next };
      });
    } catch (err) {
      const field = uniqueViolation(err);
      if (!field) throw err;
      const value = field === 'phone' ? (dto.phone ? toE164(dto.phone) : lookupPhone) : dto.externalId;
      const other = value
        ? await this.contacts.findOneBy({ workspaceId, [field]: value, erasedAt: IsNull() })
        : null;
      throw this.conflict(field, other?.id);
    }
  }

  /** Fills what an inbound message tells: waId when it changed; name, phone, e-mail when empty. */
  async fill(
    c: Contact,
    seen: { waId?: string; name?: string; phone?: string; email?: string },
  ): Promise<Contact> {
    const next: Partial<Contact> = {};
    if (seen.waId && c.waId !== seen.waId) next.waId = seen.waId;
    if (seen.name && !c.name) next.name = seen.name;
    if (
      seen.phone &&
      !c.phone &&
      !(await this.contacts.existsBy({ workspaceId: c.workspaceId, phone: seen.phone }))
    ) {
      next.phone = seen.phone;
    }
    if (seen.email && !c.email) next.email = seen.email;
    if (Object.keys(next).length === 0) return c;
    next.updatedAt = this.clock.now();
    const where = { id: c.id, erasedAt: IsNull() };
    try {
      await this.contacts.update(where, writable(next));
    } catch (err) {
      if (uniqueViolation(err) !== 'phone') throw err;
      delete next.phone; // the phone is another contact's now: keep the rest
      await this.contacts.update(where, writable(next));
    }
    return { ...c, ...next };
  }

  /**
   * Inserts unless a unique index (externalId, phone) already holds a twin: false then, and the
   * caller looks again. `lock` serialises inserts no unique index guards (e-mail or waId only):
   * under it, an existing live contact with the row's e-mail or waId also answers false.
   */
  async insert(row: Contact, lock?: string): Promise<boolean> {
    if (!lock) return this.inserts.run(row);
    return this.contacts.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lock]);
      const twin = await tx.getRepository(Contact).existsBy({
        workspaceId: row.workspaceId,
        erasedAt: IsNull(),
        ...(row.email ? { email: row.email } : { waId: row.waId! }),
      });
      if (twin) return false;
      await tx.insert(Contact, writable(row));
      return true;
    });
  }

  /**
   * Inserts of concurrent callers in one statement; a twin (in the table or the batch) is skipped.
   * Arrays, not TypeORM's builder: its parameter naming grows with the square of the values.
   */
  private async insertMany(rows: Contact[]): Promise<boolean[]> {
    const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const time = (d: Date | null) => d?.toISOString() ?? null;
    const result: Array<{ id: string }> = await this.contacts.query(INSERT_CONTACTS, [
      sorted.map((r) => r.id),
      sorted.map((r) => r.workspaceId),
      sorted.map((r) => r.externalId),
      sorted.map((r) => r.name),
      sorted.map((r) => r.phone),
      sorted.map((r) => r.waId),
      sorted.map((r) => r.email),
      sorted.map((r) => r.locale),
      sorted.map((r) => JSON.stringify(r.tags)),
      sorted.map((r) => JSON.stringify(r.attributes)),
      sorted.map((r) => JSON.stringify(r.preferences)),
      sorted.map((r) => (r.quietHours ? JSON.stringify(r.quietHours) : null)),
      sorted.map((r) => time(r.createdAt)),
      sorted.map((r) => time(r.updatedAt)),
      sorted.map((r) => time(r.erasedAt)),
    ]);
    const inserted = new Set(result.map((r) => r.id));
    return rows.map((r) => inserted.has(r.id));
  }

  conflict(field: Unique, contactId?: string): ProblemException {
    return new ProblemException(
      'CONFLICT',
      `Another contact has this ${field}`,
      contactId ? { contactId } : {},
    );
  }
}

const INSERT_CONTACTS = `
  INSERT INTO contacts (id, workspace_id, external_id, name, phone, wa_id, email, locale, tags, attributes,
                        preferences, quiet_hours, created_at, updated_at, erased_at)
  SELECT id, ws, ext, nm, ph, wa, em, lc, ARRAY(SELECT jsonb_array_elements_text(tg)), attr, pref, qh, ca, ua, ea
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::jsonb[], $10::jsonb[], $11::jsonb[], $12::jsonb[], $13::timestamptz[], $14::timestamptz[],
              $15::timestamptz[]) AS t(id, ws, ext, nm, ph, wa, em, lc, tg, attr, pref, qh, ca, ua, ea)
  ON CONFLICT DO NOTHING
  RETURNING id`;

/** TypeORM's deep-partial type has no room for free-form jsonb (`attributes`); the values are fine. */
const writable = (c: Partial<Contact>) => c as QueryDeepPartialEntity<Contact>;

/** Shallow merge; a key set to null is removed. */
function mergeAttributes(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Which unique field a PostgreSQL unique violation is about, if it is one. */
function uniqueViolation(err: unknown): Unique | undefined {
  const e = err as { code?: string; detail?: string; driverError?: { code?: string; detail?: string } };
  const code = e.code ?? e.driverError?.code;
  if (code !== '23505') return undefined;
  const detail = e.detail ?? e.driverError?.detail ?? '';
  if (/\bphone\b/.test(detail)) return 'phone';
  if (/\bexternal_id\b/.test(detail)) return 'externalId';
  return undefined;
}
