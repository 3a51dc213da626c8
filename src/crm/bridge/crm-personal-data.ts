import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../platform/personal-data/personal-data';
import { phoneForms } from './phone-forms';

/** The wa_ids a contact may have been bridged under: its wa_id and phone, both forms of a BR mobile. */
const waIdsOf = (c: DataSubject): string[] => [
  ...new Set([c.waId, c.phone].flatMap((v) => (v ? phoneForms(v) : [])).map((p) => p.slice(1))),
];

/**
 * LGPD part of the CRM bridge: the contact's chats (wa_id, name, Bitrix24 contact and chat ids) and
 * the messages carried. Erasure removes both — they are only the bridge's memory; what Bitrix24
 * holds is the workspace's own CRM, erased there.
 */
@Injectable()
export class CrmPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('crmChats')
  export(ws: string, c: DataSubject): Promise<unknown> {
    return this.dataSource.query(
      `SELECT ch.id, ch.connection_id AS "connectionId", ch.wa_id AS "waId", ch.contact_name AS "contactName",
              ch.b24_contact_id AS "bitrix24ContactId", ch.b24_chat_id AS "bitrix24ChatId",
              ch.conversation_id AS "conversationId", ch.created_at AS "createdAt",
              (SELECT count(*)::int FROM crm_messages m WHERE m.chat_id = ch.id) AS "messagesCarried"
       FROM crm_chats ch WHERE ch.workspace_id = $1 AND ch.wa_id = ANY($2) ORDER BY ch.created_at`,
      [ws, waIdsOf(c)],
    );
  }

  @ErasesPersonalData('crmChats')
  async erase(ws: string, c: DataSubject): Promise<number> {
    const ids = waIdsOf(c);
    const [, messages]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM crm_messages WHERE chat_id IN (SELECT id FROM crm_chats WHERE workspace_id = $1 AND wa_id = ANY($2))`,
      [ws, ids],
    );
    const [, chats]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM crm_chats WHERE workspace_id = $1 AND wa_id = ANY($2)`,
      [ws, ids],
    );
    return messages + chats;
  }
}
