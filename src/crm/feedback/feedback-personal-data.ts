import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../../platform/personal-data/personal-data';

/**
 * LGPD part of feedback replies: the requests sent to a contact and when they were answered (the
 * reply's text and score live in the events, erased with them). Erasure deletes the requests.
 */
@Injectable()
export class FeedbackPersonalData {
  constructor(private readonly dataSource: DataSource) {}

  @ExportsPersonalData('feedbackRequests')
  export(ws: string, c: DataSubject): Promise<unknown> {
    return this.dataSource.query(
      `SELECT id, service, service_event_id AS "serviceEventId", appointment_id AS "appointmentId",
              requested_at AS "requestedAt", answered_at AS "answeredAt", feedback_event_id AS "feedbackEventId"
       FROM feedback_requests WHERE workspace_id = $1 AND contact_id = $2 ORDER BY requested_at`,
      [ws, c.id],
    );
  }

  @ErasesPersonalData('feedbackRequests')
  async erase(ws: string, c: DataSubject): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM feedback_requests WHERE workspace_id = $1 AND contact_id = $2`,
      [ws, c.id],
    );
    return deleted;
  }
}
