import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { calendar_v3 } from '@googleapis/calendar';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../config/area-config';
import { EventBus, PendingEvents } from '../events/bus/event-bus';
import { Clock } from '../platform/clock';
import { JobQueue } from '../platform/queue/job-queue.service';
import { AppointmentsService } from './appointments.service';
import { CalendarConnection } from './calendar-connection.entity';
import { CalendarEvent } from './calendar-event.entity';
import { calendarConfig } from './calendar.config';
import { CalendarConnections } from './calendar-connections.service';
import { GoogleFailure } from './google-calendar.client';

const LEASE_MS = 2 * 60_000;
const PAGE_SIZE = 250;

function instantOf(t: calendar_v3.Schema$EventDateTime | undefined): Date | null {
  if (t?.dateTime) return new Date(t.dateTime);
  if (t?.date) return new Date(`${t.date}T00:00:00Z`);
  return null;
}

/**
 * Incremental sync, per connection and calendar (business-br.md §9): a full list once (from
 * CALENDAR_SYNC_DAYS_BACK ago), then only the changes since the stored `nextSyncToken`; 410
 * `fullSyncRequired` starts over with a full list, after which mirrored events Google no longer
 * has are treated as deleted. A change to an appointment's event moves or cancels the appointment.
 */
@Injectable()
export class CalendarSync {
  private readonly logger = new Logger('CalendarSync');

  constructor(
    @InjectRepository(CalendarEvent) private readonly repo: Repository<CalendarEvent>,
    private readonly dataSource: DataSource,
    private readonly connections: CalendarConnections,
    private readonly appointments: AppointmentsService,
    private readonly bus: EventBus,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    @InjectConfig(calendarConfig) private readonly config: ConfigOf<typeof calendarConfig>,
  ) {}

  /** The scheduler's tick: one `calendar.sync` job per connection due. */
  async enqueueDue(): Promise<number> {
    const due = await this.connections.due(this.clock.now());
    for (const c of due)
      await this.jobs.enqueue('calendar.sync', { workspaceId: c.workspaceId, connectionId: c.id });
    return due.length;
  }

  async sync(connectionId: string): Promise<void> {
    const now = this.clock.now();
    if (!(await this.connections.lease(connectionId, now, LEASE_MS))) return;
    const connection = await this.connections.byId(connectionId);
    if (!connection || connection.status !== 'active') return;
    const tokens = { ...connection.syncTokens };
    let error: string | null = null;
    for (const calendarId of connection.calendarIds) {
      try {
        tokens[calendarId] = await this.syncCalendar(connection, calendarId, tokens[calendarId]);
      } catch (err) {
        if (!(err instanceof GoogleFailure)) throw err;
        error = `${calendarId}: ${err.message}`;
        if (err.kind === 'reauth') break;
      }
    }
    await this.connections.synced(connection.id, {
      syncTokens: tokens,
      error,
      nextSyncAt: new Date(this.clock.nowMs() + this.config.syncIntervalMs),
    });
  }

  private async syncCalendar(
    connection: CalendarConnection,
    calendarId: string,
    token?: string,
  ): Promise<string> {
    try {
      return await this.pages(connection, calendarId, token);
    } catch (err) {
      if (!(err instanceof GoogleFailure) || err.kind !== 'sync_expired' || !token) throw err;
      this.logger.log(`sync token of ${connection.id}/${calendarId} expired: full sync`);
      return this.pages(connection, calendarId, undefined);
    }
  }

  /** Lists every page; the new sync token is stored only after the last one. */
  private async pages(connection: CalendarConnection, calendarId: string, token?: string): Promise<string> {
    const full = token === undefined;
    const timeMin = new Date(this.clock.nowMs() - this.config.syncDaysBack * 86_400_000);
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const page = await this.connections.withCalendar(connection, async (api) => {
        const res = await api.events.list(
          {
            calendarId,
            singleEvents: true,
            showDeleted: true,
            maxResults: PAGE_SIZE,
            pageToken,
            ...(full ? { timeMin: timeMin.toISOString() } : { syncToken: token }),
          },
          { retry: false },
        );
        return res.data;
      });
      for (const item of page.items ?? []) {
        if (item.id) seen.add(item.id);
        await this.apply(connection, calendarId, item);
      }
      if (page.nextPageToken) {
        pageToken = page.nextPageToken;
        continue;
      }
      if (full) await this.forgetMissing(connection, calendarId, timeMin, seen);
      if (!page.nextSyncToken) throw new GoogleFailure('permanent', 'Google gave no nextSyncToken');
      return page.nextSyncToken;
    }
  }

  /** One changed Google event into the mirror (and its appointment). */
  private async apply(
    connection: CalendarConnection,
    calendarId: string,
    item: calendar_v3.Schema$Event,
  ): Promise<void> {
    if (!item.id) return;
    const googleEventId = item.id;
    const pending = await this.dataSource.transaction(async (m): Promise<PendingEvents | null> => {
      const row = await m.findOne(CalendarEvent, {
        where: { connectionId: connection.id, calendarId, googleEventId },
        lock: { mode: 'pessimistic_write' },
      });
      // A local change not pushed yet wins: the push will overwrite Google's copy.
      if (row && row.pushState !== 'synced') return null;
      const now = this.clock.now();
      if (item.status === 'cancelled') {
        if (!row || row.status === 'cancelled') return null;
        await m.update(CalendarEvent, { id: row.id }, { status: 'cancelled', updatedAt: now });
        return row.appointmentId ? this.appointments.changedInGoogle(m, row.appointmentId, 'deleted') : null;
      }
      const startsAt = instantOf(item.start ?? undefined);
      const endsAt = instantOf(item.end ?? undefined);
      if (!startsAt || !endsAt) return null;
      const fields = {
        summary: item.summary ?? null,
        description: item.description ?? null,
        location: item.location ?? null,
        startsAt,
        endsAt,
        timeZone: item.start?.timeZone ?? null,
        status: item.status ?? 'confirmed',
        updatedAt: now,
      };
      if (!row) {
        await m.insert(CalendarEvent, {
          id: uuidv7(),
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          calendarId,
          googleEventId,
          ...fields,
          appointmentId: null,
          pushState: 'synced',
          pushSeq: 0,
          pushAttempts: 0,
          pushError: null,
          createdAt: now,
        });
        return null;
      }
      await m.update(CalendarEvent, { id: row.id }, fields);
      return row.appointmentId
        ? this.appointments.changedInGoogle(m, row.appointmentId, { startsAt, endsAt })
        : null;
    });
    if (pending) await this.bus.publish(pending);
  }

  /** After a full list: synced events of the window Google did not list are gone. */
  private async forgetMissing(
    connection: CalendarConnection,
    calendarId: string,
    timeMin: Date,
    seen: Set<string>,
  ): Promise<void> {
    const rows = await this.repo
      .createQueryBuilder('e')
      .where(
        "e.connectionId = :c AND e.calendarId = :cal AND e.status <> 'cancelled' AND e.pushState = 'synced'",
        {
          c: connection.id,
          cal: calendarId,
        },
      )
      .andWhere('e.endsAt > :min', { min: timeMin })
      .getMany();
    for (const row of rows.filter((r) => !seen.has(r.googleEventId)))
      await this.apply(connection, calendarId, { id: row.googleEventId, status: 'cancelled' });
  }
}
