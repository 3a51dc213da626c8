import { Injectable } from '@nestjs/common';
import type { Contact } from './contact.entity';

/** One module's share of what Ponte holds about a contact (LGPD art. 18: access and erasure). */
export interface PersonalDataPart {
  /** Everything the module holds about the contact, as JSON; under its name in the export. */
  export(workspaceId: string, contact: Contact): Promise<unknown>;
  /**
   * Remove or anonymise the module's personal data of the contact (keeping rows that counts need)
   * and answer how many rows it touched. It gets the contact as it was before erasure (phone,
   * waId, email still there to find rows by). It must be idempotent: a DELETE that failed half
   * way is retried as a whole.
   */
  erase(workspaceId: string, contact: Contact): Promise<number>;
}

/**
 * What identifies a contact inside stored payloads: its id, e-mail, phone digits, the wa_id and,
 * for Brazilian mobiles, the old 8-digit form. Shorter values are left out (they would match noise).
 */
export function contactNeedles(c: Pick<Contact, 'id' | 'phone' | 'waId' | 'email'>): string[] {
  const digits = (c.phone ?? '').replace(/\D/g, '');
  const without9th = /^55\d{2}9\d{8}$/.test(digits) ? digits.slice(0, 4) + digits.slice(5) : '';
  return [c.id, c.email ?? '', digits, without9th, c.waId ?? ''].filter((n) => n.length >= 5);
}

/** The names the contacts module answers itself in an export. */
const RESERVED = new Set(['contact']);

/**
 * Where modules register how to export and erase their part of a contact's data. Register once,
 * at construction or `onModuleInit`: `registry.register('conversations', {export, erase})`.
 * Parts run in registration order; the contact row itself is blanked after all of them.
 */
@Injectable()
export class PersonalDataRegistry {
  private readonly parts = new Map<string, PersonalDataPart>();

  register(name: string, part: PersonalDataPart): void {
    if (!/^[a-z][A-Za-z0-9]*$/.test(name))
      throw new Error(`personal data part "${name}": use a camelCase name`);
    if (RESERVED.has(name) || this.parts.has(name)) {
      throw new Error(`personal data part "${name}" is already registered`);
    }
    this.parts.set(name, part);
  }

  /** The registered parts, in registration order. */
  entries(): Array<[string, PersonalDataPart]> {
    return [...this.parts.entries()];
  }
}
