import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../platform/personal-data/personal-data';

const MATCH = `workspace_id = $1 AND (to_contact_id = $2 OR to_phone = $3 OR to_email = $4)`;

/**
 * A contact's notifications (with every attempt) and what the sandbox recorded for them, for the
 * LGPD export; erasure blanks the address, the data and the content, and keeps each row and its
 * statuses so that counts and delivery rates stay right.
 */
@Injectable()
export class NotificationsPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('notifications')
  async export(workspaceId: string, c: DataSubject): Promise<unknown> {
    const notifications: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, status, channels, template_key AS template, content, data, category, to_phone AS phone, to_email AS email,
              timeline, created_at AS "createdAt"
       FROM notifications WHERE ${MATCH} ORDER BY id`,
      [workspaceId, c.id, c.phone, c.email],
    );
    const attempts: Array<Record<string, unknown>> = notifications.length
      ? await this.dataSource.query(
          `SELECT notification_id AS "notificationId", attempt, channel, provider_kind AS provider, status,
                  provider_message_id AS "providerMessageId", error_code AS "errorCode", created_at AS "createdAt"
           FROM notification_attempts WHERE notification_id = ANY($1::uuid[]) ORDER BY notification_id, attempt`,
          [notifications.map((n) => n.id)],
        )
      : [];
    return notifications.map((n) => ({ ...n, attempts: attempts.filter((a) => a.notificationId === n.id) }));
  }

  @ErasesPersonalData('notifications')
  async erase(workspaceId: string, c: DataSubject): Promise<number> {
    const [ids]: [Array<{ id: string }>] = await this.dataSource.query(
      `UPDATE notifications SET to_contact_id = $2, to_phone = NULL, to_email = NULL, data = '{}', content = NULL
       WHERE ${MATCH} RETURNING id`,
      [workspaceId, c.id, c.phone, c.email],
    );
    const [, sandbox]: [unknown, number] = await this.dataSource.query(
      `UPDATE sandbox_messages SET "to" = 'erased', subject = NULL, text = '', html = NULL, message = '{}'
       WHERE workspace_id = $1 AND (notification_id = ANY($2::uuid[]) OR "to" = $3 OR "to" = $4)`,
      [workspaceId, ids.map((r) => r.id), c.phone, c.email],
    );
    return ids.length + sandbox;
  }
}
