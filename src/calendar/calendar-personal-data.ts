import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DataSubject,
  ErasesPersonalData,
  ExportsPersonalData,
} from '../platform/personal-data/personal-data';
import { CalendarEvents } from './calendar-events.service';

/**
 * LGPD part of the calendar: a contact's appointments (with their notes) and the slots offered to
 * them. Erasure blanks the notes and the names in the mirrored events' titles — and pushes those
 * titles to Google — keeping every appointment and its status, so counts do not change.
 */
@Injectable()
export class CalendarPersonalData {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: CalendarEvents,
  ) {}

  @ExportsPersonalData('appointments')
  export(ws: string, c: DataSubject): Promise<unknown> {
    return this.dataSource.query(
      `SELECT a.id, a.service, a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.status, a.resource, a.notes,
              a.calendar_id AS "calendarId", a.created_at AS "createdAt"
       FROM appointments a WHERE a.workspace_id = $1 AND a.contact_id = $2 ORDER BY a.starts_at`,
      [ws, c.id],
    );
  }

  @ErasesPersonalData('appointments')
  async erase(ws: string, c: DataSubject): Promise<number> {
    const [, appointments]: [unknown, number] = await this.dataSource.query(
      `UPDATE appointments SET notes = NULL WHERE workspace_id = $1 AND contact_id = $2 AND notes IS NOT NULL`,
      [ws, c.id],
    );
    const [, offers]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM booking_offers WHERE workspace_id = $1 AND contact_id = $2`,
      [ws, c.id],
    );
    // The events' titles carry the name ("Corte — Maria"): the service alone, pushed to Google.
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM calendar_events e JOIN appointments a ON a.id = e.appointment_id
       WHERE a.workspace_id = $1 AND a.contact_id = $2 AND e.status <> 'cancelled' AND e.summary IS DISTINCT FROM a.service`,
      [ws, c.id],
    );
    for (const { id } of rows) {
      const event = await this.events.find(ws, id);
      const [{ service }]: Array<{ service: string }> = await this.dataSource.query(
        'SELECT service FROM appointments WHERE id = $1',
        [event.appointmentId],
      );
      await this.events.offer(
        await this.events.change(this.dataSource.manager, event, { summary: service, description: null }),
      );
    }
    return appointments + offers + rows.length;
  }
}
