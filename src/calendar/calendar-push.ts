import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OutboxSweep, StuckWork } from '../platform/outbox/outbox-relay';
import { Clock } from '../platform/clock';
import { JobQueue } from '../platform/queue/job-queue.service';
import { CalendarEvent } from './calendar-event.entity';
import { CalendarConnections } from './calendar-connections.service';
import { CalendarEvents } from './calendar-events.service';
import { GoogleFailure } from './google-calendar.client';

/** Attempts of one change before it waits for a person (the error stays on the event). */
export const MAX_PUSH_ATTEMPTS = 8;
const BATCH = 500;

/** 2 s, 4 s, 8 s... capped at 10 minutes. */
const backoffMs = (attempt: number) => Math.min(2 ** attempt * 1000, 10 * 60_000);

/**
 * Pushes local changes to Google: `calendar.push` inserts (with the id Ponte chose, so a retried
 * insert finds its event rather than making a second), patches or deletes one event. A job of an
 * older change does nothing. Rows not synced are re-offered by the outbox relay.
 */
@Injectable()
export class CalendarPush {
  constructor(
    @InjectRepository(CalendarEvent) private readonly repo: Repository<CalendarEvent>,
    private readonly connections: CalendarConnections,
    private readonly events: CalendarEvents,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async push(eventId: string, seq: number): Promise<void> {
    const row = await this.repo.findOne({ where: { id: eventId } });
    if (!row || row.pushSeq !== seq || row.pushState === 'synced') return;
    const connection = await this.connections.byId(row.connectionId);
    if (!connection || connection.status !== 'active') return; // re-offered once it is active again
    try {
      await this.connections.withCalendar(connection, (api) => this.call(api, row));
      await this.repo
        .createQueryBuilder()
        .update()
        .set({ pushState: 'synced', pushError: null })
        .where('id = :id AND push_seq = :seq', { id: row.id, seq })
        .execute();
    } catch (err) {
      if (!(err instanceof GoogleFailure)) throw err;
      // A revoked grant waits for the new consent (the sweep offers it again then), uncounted.
      const attempts =
        err.kind === 'reauth'
          ? row.pushAttempts
          : err.kind === 'transient'
            ? row.pushAttempts + 1
            : MAX_PUSH_ATTEMPTS;
      await this.repo
        .createQueryBuilder()
        .update()
        .set({ pushAttempts: attempts, pushError: err.message })
        .where('id = :id AND push_seq = :seq', { id: row.id, seq })
        .execute();
      if (err.kind === 'transient' && attempts < MAX_PUSH_ATTEMPTS)
        await this.events.offer({ ...row, pushAttempts: attempts }, backoffMs(attempts));
    }
  }

  private async call(
    api: import('@googleapis/calendar').calendar_v3.Calendar,
    row: CalendarEvent,
  ): Promise<void> {
    const base = { calendarId: row.calendarId, sendUpdates: 'none' };
    const body = {
      summary: row.summary ?? undefined,
      description: row.description ?? undefined,
      location: row.location ?? undefined,
      start: { dateTime: row.startsAt.toISOString(), timeZone: row.timeZone ?? undefined },
      end: { dateTime: row.endsAt.toISOString(), timeZone: row.timeZone ?? undefined },
    };
    const options = { retry: false };
    if (row.pushState === 'create') {
      try {
        await api.events.insert(
          {
            ...base,
            requestBody: {
              id: row.googleEventId,
              ...body,
              extendedProperties: {
                private: {
                  ponteEventId: row.id,
                  ...(row.appointmentId ? { ponteAppointmentId: row.appointmentId } : {}),
                },
              },
            },
          },
          options,
        );
      } catch (err) {
        // An earlier try got through before its answer was lost: bring that event up to date.
        if ((err as { response?: { status?: number } }).response?.status !== 409) throw err;
        await api.events.patch({ ...base, eventId: row.googleEventId, requestBody: body }, options);
      }
    } else if (row.pushState === 'update') {
      await api.events.patch({ ...base, eventId: row.googleEventId, requestBody: body }, options);
    } else if (row.pushState === 'delete') {
      try {
        await api.events.delete({ ...base, eventId: row.googleEventId }, options);
      } catch (err) {
        const status = (err as { response?: { status?: number } }).response?.status;
        if (status !== 404 && status !== 410) throw err; // already gone is what we wanted
      }
    }
  }

  @OutboxSweep('calendar')
  async relayPending(graceSeconds: number): Promise<number> {
    const cutoff = new Date(this.clock.nowMs() - graceSeconds * 1000);
    const rows = await this.repo
      .createQueryBuilder('e')
      .where("e.pushState <> 'synced' AND e.updatedAt < :cutoff AND e.pushAttempts < :max", {
        cutoff,
        max: MAX_PUSH_ATTEMPTS,
      })
      .andWhere(
        "EXISTS (SELECT 1 FROM calendar_connections c WHERE c.id = e.connection_id AND c.status = 'active')",
      )
      .take(BATCH)
      .getMany();
    if (!rows.length) return 0;
    return this.jobs.reoffer(
      rows.map((r) => ({
        name: 'calendar.push' as const,
        data: { workspaceId: r.workspaceId, eventId: r.id, seq: r.pushSeq },
        opts: { jobId: `calendar-push-${r.id}-${r.pushSeq}-${r.pushAttempts}` },
      })),
    );
  }

  @StuckWork('calendar')
  countStuck(thresholdSeconds: number): Promise<number> {
    return this.repo
      .createQueryBuilder('e')
      .where("e.pushState <> 'synced' AND e.updatedAt < :cutoff", {
        cutoff: new Date(this.clock.nowMs() - thresholdSeconds * 1000),
      })
      .getCount();
  }
}
