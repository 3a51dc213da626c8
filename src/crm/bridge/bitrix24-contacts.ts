import { Injectable } from '@nestjs/common';
import { Bitrix24Rest, type Portal } from '../bitrix24/bitrix24-rest';
import { phoneForms } from './phone-forms';

/**
 * Bitrix24 contacts by phone. A Brazilian mobile may be stored with or without its 9th digit, so
 * both forms are looked up — in one `batch`, one request of the portal's pace instead of two.
 */
@Injectable()
export class Bitrix24Contacts {
  constructor(private readonly rest: Bitrix24Rest) {}

  async findOrCreate(portal: Portal, waId: string, name: string | null): Promise<string> {
    const forms = phoneForms(waId);
    const cmd = Object.fromEntries(
      forms.map((phone, i): [string, [string, Record<string, unknown>]] => [
        `p${i}`,
        ['crm.contact.list', { filter: { PHONE: phone }, select: ['ID'] }],
      ]),
    );
    const found = await this.rest.batch(portal, cmd);
    for (const key of Object.keys(cmd)) {
      const rows = found.result[key];
      const id = Array.isArray(rows) ? (rows[0] as { ID?: unknown } | undefined)?.ID : undefined;
      if (typeof id === 'string' || typeof id === 'number') return String(id);
    }
    const [first, ...rest] = (name ?? '').trim().split(/\s+/);
    const created = await this.rest.call<number | string>(portal, 'crm.contact.add', {
      fields: {
        NAME: first || forms[0],
        LAST_NAME: rest.join(' ') || undefined,
        OPENED: 'Y',
        PHONE: [{ VALUE: forms[0], VALUE_TYPE: 'MOBILE' }],
        IM: [{ VALUE: waId.replace(/\D/g, ''), VALUE_TYPE: 'WHATSAPP' }],
        ORIGINATOR_ID: 'ponte',
        ORIGIN_ID: `wa:${waId}`,
      },
      params: { REGISTER_SONET_EVENT: 'N' },
    });
    return String(created);
  }
}
