import { Injectable, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint, PluginPoint } from '../plugins/plugin-point';
import { PluginRegistry } from '../plugins/plugin-registry';

/**
 * The person whose data a part exports or erases: the fields of a contact that find its rows
 * elsewhere. The contacts module (notifications) owns the contact and hands it to every part.
 */
export interface DataSubject {
  id: string;
  workspaceId: string;
  externalId: string | null;
  name: string | null;
  phone: string | null;
  waId: string | null;
  email: string | null;
}

/** One module's share of what Ponte holds about a contact (LGPD art. 18: access and erasure). */
export interface PersonalDataPart {
  /** Everything the module holds about the contact, as JSON; under its name in the export. */
  export(workspaceId: string, contact: DataSubject): Promise<unknown>;
  /**
   * Remove or anonymise the module's personal data of the contact (keeping rows that counts need)
   * and answer how many rows it touched. It gets the contact as it was before erasure (phone,
   * waId, email still there to find rows by). It must be idempotent: a DELETE that failed half
   * way is retried as a whole.
   */
  erase(workspaceId: string, contact: DataSubject): Promise<number>;
}

/**
 * What identifies a contact inside stored payloads: its id, e-mail, phone digits, the wa_id and,
 * for Brazilian mobiles, the old 8-digit form. Shorter values are left out (they would match noise).
 */
export function contactNeedles(c: Pick<DataSubject, 'id' | 'phone' | 'waId' | 'email'>): string[] {
  const digits = (c.phone ?? '').replace(/\D/g, '');
  const without9th = /^55\d{2}9\d{8}$/.test(digits) ? digits.slice(0, 4) + digits.slice(5) : '';
  return [c.id, c.email ?? '', digits, without9th, c.waId ?? ''].filter((n) => n.length >= 5);
}

const naming = {
  // `contact` is what the contacts module answers itself in an export.
  reserved: ['contact'],
  namePattern: { pattern: /^[a-z][A-Za-z0-9]*$/, rule: 'use a camelCase name' },
};
export const PERSONAL_DATA_EXPORT: PluginPoint<PersonalDataPart['export']> = definePluginPoint({
  title: 'personal-data export',
  ...naming,
  pairedWith: () => [PERSONAL_DATA_ERASE as never],
});
export const PERSONAL_DATA_ERASE: PluginPoint<PersonalDataPart['erase']> = definePluginPoint({
  title: 'personal-data erase',
  ...naming,
  pairedWith: () => [PERSONAL_DATA_EXPORT as never],
});

/** `@ExportsPersonalData('conversations')`: the part's export, listed under that name. */
export const ExportsPersonalData = (name: string) => declare(PERSONAL_DATA_EXPORT, name);
/** `@ErasesPersonalData('conversations')`: the same part's erasure (start-up fails without one). */
export const ErasesPersonalData = (name: string) => declare(PERSONAL_DATA_ERASE, name);

/**
 * The parts modules declare to export and erase their share of a contact's data. Parts run in
 * discovery (module) order; the contact row itself is blanked after all of them.
 */
@Injectable()
export class PersonalDataRegistry implements OnModuleInit {
  private parts: Array<[string, PersonalDataPart]> = [];

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    const erasers = new Map(this.plugins.get(PERSONAL_DATA_ERASE).map((d) => [d.name, d.handler]));
    // The registry checked the pairing: every export has its erase.
    this.parts = this.plugins
      .get(PERSONAL_DATA_EXPORT)
      .map((d) => [d.name, { export: d.handler, erase: erasers.get(d.name)! }]);
  }

  /** The declared parts, in discovery order. */
  entries(): Array<[string, PersonalDataPart]> {
    return this.parts;
  }
}
