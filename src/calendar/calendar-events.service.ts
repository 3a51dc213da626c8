import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../platform/clock';
import { decodeCursor, encodeCursor, Page } from '../platform/http/pagination';
import { Principal } from '../platform/http/principal';
import { notFound, ProblemException } from '../platform/http/problem';
import { JobQueue } from '../platform/queue/job-queue.service';
import { CalendarConnection } from './calendar-connection.entity';
import { CalendarEvent, PushState } from './calendar-event.entity';
import { CalendarProblem } from './calendar.problems';
import { CalendarConnections } from './calendar-connections.service';
import {
  CalendarEventPage,
  CalendarEventView,
  CreateCalendarEventDto,
  CalendarEventQuery,
  UpdateCalendarEventDto,
} from './calendar.dto';

export function toEventView(e: CalendarEvent): CalendarEventView {
  return {
    id: e.id,
    connectionId: e.connectionId,
    calendarId: e.calendarId,
    googleEventId: e.googleEventId,
    summary: e.summary,
    description: e.description,
    location: e.location,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    status: e.status,
    appointmentId: e.appointmentId,
    pushState: e.pushState,
    pushError: e.pushError,
  };
}

/** Google event ids use base32hex characters (a–v, 0–9): a UUID's hex digits without dashes fit. */
export const googleIdOf = (id: string) => id.replace(/-/g, '');

export interface NewLocalEvent {
  id?: string;
  workspaceId: string;
  connection: CalendarConnection;
  calendarId: string;
  summary: string | null;
  description?: string | null;
  location?: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone?: string | null;
  appointmentId?: string | null;
}

export interface Conflict {
  id: string;
  kind: 'event' | 'appointment';
  summary: string | null;
  startsAt: string;
  endsAt: string;
}

/** The 409 of a double booking, listing what is in the way. */
export function conflictProblem(conflicts: Conflict[]): CalendarProblem {
  return new CalendarProblem(
    'CALENDAR_CONFLICT',
    `The time overlaps ${conflicts.length} other booking(s); send allowConflicts: true to book anyway`,
    { conflicts },
  );
}

/**
 * The local mirror of Google events: what the API creates, moves and deletes (pushed to Google by
 * the `calendar.push` job, re-offered by the outbox sweep) and what the sync learns.
 */
@Injectable()
export class CalendarEvents {
  constructor(
    @InjectRepository(CalendarEvent) private readonly repo: Repository<CalendarEvent>,
    private readonly connections: CalendarConnections,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** `id` (derived from a workflow step) makes a retried create answer the first one's event. */
  async create(workspaceId: string, dto: CreateCalendarEventDto, id?: string): Promise<CalendarEventView> {
    if (id) {
      const existing = await this.repo.findOne({ where: { id, workspaceId } });
      if (existing) return toEventView(existing);
    }
    const connection = await this.connections.resolve(workspaceId, dto.connectionId);
    if (!connection || connection.status !== 'active') throw new CalendarProblem('CALENDAR_NOT_CONNECTED');
    const range = this.range(dto.startsAt, dto.endsAt);
    const calendarId = dto.calendarId ?? connection.calendarIds[0];
    if (!dto.allowConflicts) {
      const conflicts = await this.conflicts(workspaceId, connection.id, calendarId, range);
      if (conflicts.length) throw conflictProblem(conflicts.map(eventConflict));
    }
    const row = await this.insertLocal(this.repo.manager, {
      id,
      workspaceId,
      connection,
      calendarId,
      summary: dto.summary ?? null,
      description: dto.description,
      location: dto.location,
      ...range,
      timeZone: dto.timeZone,
    });
    await this.offer(row);
    return toEventView(row);
  }

  async update(caller: Principal, id: string, dto: UpdateCalendarEventDto): Promise<CalendarEventView> {
    const row = await this.find(caller.workspaceId, id);
    if (row.appointmentId)
      throw new ProblemException(
        'CONFLICT',
        'This event is an appointment’s: change it with PATCH /v1/appointments/:id',
      );
    const range = this.range(
      dto.startsAt ?? row.startsAt.toISOString(),
      dto.endsAt ?? row.endsAt.toISOString(),
    );
    const moved =
      range.startsAt.getTime() !== row.startsAt.getTime() || range.endsAt.getTime() !== row.endsAt.getTime();
    if (moved && !dto.allowConflicts) {
      const conflicts = await this.conflicts(
        row.workspaceId,
        row.connectionId,
        row.calendarId,
        range,
        row.id,
      );
      if (conflicts.length) throw conflictProblem(conflicts.map(eventConflict));
    }
    const changed = await this.change(this.repo.manager, row, {
      summary: dto.summary ?? row.summary,
      description: dto.description ?? row.description,
      location: dto.location ?? row.location,
      ...range,
    });
    await this.offer(changed);
    return toEventView(changed);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const row = await this.find(caller.workspaceId, id);
    if (row.appointmentId)
      throw new ProblemException(
        'CONFLICT',
        'This event is an appointment’s: cancel the appointment instead',
      );
    await this.offer(await this.cancelLocal(this.repo.manager, row));
  }

  async list(caller: Principal, query: CalendarEventQuery): Promise<Page<CalendarEventView>> {
    const limit = query.limit ?? 50;
    const qb = this.repo
      .createQueryBuilder('e')
      .where("e.workspaceId = :ws AND e.status <> 'cancelled'", { ws: caller.workspaceId });
    if (query.calendarId) qb.andWhere('e.calendarId = :cal', { cal: query.calendarId });
    if (query.connectionId) qb.andWhere('e.connectionId = :conn', { conn: query.connectionId });
    if (query.from) qb.andWhere('e.endsAt > :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('e.startsAt < :to', { to: new Date(query.to) });
    if (query.cursor) {
      const c = decodeCursor(query.cursor, true);
      qb.andWhere('(e.startsAt, e.id) > (:at, :id)', { at: c.at, id: c.id });
    }
    const rows = await qb
      .orderBy('e.startsAt', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const result: CalendarEventPage = {
      data: page.map(toEventView),
      nextCursor: rows.length > limit ? encodeCursor(last.id, last.startsAt) : null,
    };
    return result;
  }

  async find(workspaceId: string, id: string): Promise<CalendarEvent> {
    const row = await this.repo.findOne({ where: { id, workspaceId } });
    if (!row) throw notFound('Calendar event');
    return row;
  }

  /** Live events of a calendar overlapping the range (appointments' events included). */
  conflicts(
    workspaceId: string,
    connectionId: string,
    calendarId: string,
    range: { startsAt: Date; endsAt: Date },
    exceptId?: string,
  ): Promise<CalendarEvent[]> {
    const qb = this.repo
      .createQueryBuilder('e')
      .where('e.workspaceId = :ws AND e.connectionId = :conn AND e.calendarId = :cal', {
        ws: workspaceId,
        conn: connectionId,
        cal: calendarId,
      })
      .andWhere("e.status <> 'cancelled' AND e.startsAt < :end AND e.endsAt > :start", {
        start: range.startsAt,
        end: range.endsAt,
      })
      .orderBy('e.startsAt', 'ASC');
    if (exceptId) qb.andWhere('e.id <> :except', { except: exceptId });
    return qb.getMany();
  }

  /** Live local events of a calendar in a range that Google may not know yet (not pushed). */
  unpushed(connectionId: string, calendarIds: string[], from: Date, to: Date): Promise<CalendarEvent[]> {
    return this.repo
      .createQueryBuilder('e')
      .where("e.connectionId = :conn AND e.calendarId IN (:...cals) AND e.pushState <> 'synced'", {
        conn: connectionId,
        cals: calendarIds,
      })
      .andWhere("e.status <> 'cancelled' AND e.startsAt < :to AND e.endsAt > :from", { from, to })
      .getMany();
  }

  /** A new local event to push (inside the caller's transaction). */
  async insertLocal(manager: EntityManager, e: NewLocalEvent): Promise<CalendarEvent> {
    const now = this.clock.now();
    const id = e.id ?? uuidv7();
    const row = manager.create(CalendarEvent, {
      id,
      workspaceId: e.workspaceId,
      connectionId: e.connection.id,
      calendarId: e.calendarId,
      googleEventId: googleIdOf(id),
      summary: e.summary,
      description: e.description ?? null,
      location: e.location ?? null,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      timeZone: e.timeZone ?? null,
      status: 'confirmed',
      appointmentId: e.appointmentId ?? null,
      pushState: 'create' as PushState,
      pushSeq: 1,
      pushAttempts: 0,
      pushError: null,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(CalendarEvent, row);
    return row;
  }

  /** A local change to push: fields set, push state and sequence bumped. */
  async change(
    manager: EntityManager,
    row: CalendarEvent,
    fields: Partial<Pick<CalendarEvent, 'summary' | 'description' | 'location' | 'startsAt' | 'endsAt'>>,
  ): Promise<CalendarEvent> {
    const next: CalendarEvent = {
      ...row,
      ...fields,
      pushState: row.pushState === 'create' ? 'create' : 'update',
      pushSeq: row.pushSeq + 1,
      pushAttempts: 0,
      pushError: null,
      updatedAt: this.clock.now(),
    };
    await manager.update(CalendarEvent, { id: row.id }, next);
    return next;
  }

  async cancelLocal(manager: EntityManager, row: CalendarEvent): Promise<CalendarEvent> {
    const next: CalendarEvent = {
      ...row,
      status: 'cancelled',
      pushState: 'delete',
      pushSeq: row.pushSeq + 1,
      pushAttempts: 0,
      pushError: null,
      updatedAt: this.clock.now(),
    };
    await manager.update(CalendarEvent, { id: row.id }, next);
    return next;
  }

  byAppointment(appointmentId: string): Promise<CalendarEvent | null> {
    return this.repo.findOne({ where: { appointmentId } });
  }

  /** Offers the push job of the row's current change (best effort: the sweep covers a failure). */
  async offer(
    row: Pick<CalendarEvent, 'id' | 'workspaceId' | 'pushSeq' | 'pushState' | 'pushAttempts'>,
    delayMs = 0,
  ): Promise<void> {
    if (row.pushState === 'synced') return;
    await this.jobs
      .enqueue(
        'calendar.push',
        { workspaceId: row.workspaceId, eventId: row.id, seq: row.pushSeq },
        { jobId: `calendar-push-${row.id}-${row.pushSeq}-${row.pushAttempts}`, delay: delayMs },
      )
      .catch(() => undefined);
  }

  private range(startsAt: string, endsAt: string): { startsAt: Date; endsAt: Date } {
    const range = { startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
    if (range.endsAt <= range.startsAt)
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'endsAt', message: 'must be after startsAt' }],
      });
    return range;
  }
}

export function eventConflict(e: CalendarEvent): Conflict {
  return {
    id: e.appointmentId ?? e.id,
    kind: e.appointmentId ? 'appointment' : 'event',
    summary: e.summary,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
  };
}
