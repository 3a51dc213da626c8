import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventBus, PendingEvents } from '../events/bus/event-bus';
import { WorkspacesService } from '../gateway/workspaces/workspaces.service';
import { ContactsService } from '../notifications/contacts/contacts.service';
import { Clock } from '../platform/clock';
import { Page, paginate } from '../platform/http/pagination';
import { notFound, ProblemException } from '../platform/http/problem';
import { Appointment, AppointmentStatus } from './appointment.entity';
import { CalendarProblem } from './calendar.problems';
import {
  AppointmentQuery,
  AppointmentView,
  CreateAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { CalendarConnections } from './calendar-connections.service';
import { CalendarEvents, Conflict, conflictProblem, eventConflict } from './calendar-events.service';
import { nextDate, zonedToInstant } from '../platform/zoned-time';

const LIVE: AppointmentStatus[] = ['scheduled', 'confirmed'];
/** Which status each action moves from, and to. */
const TRANSITIONS: Record<string, { from: AppointmentStatus[]; to: AppointmentStatus; event: string }> = {
  cancel: { from: ['scheduled', 'confirmed'], to: 'cancelled', event: 'appointment.cancelled' },
  confirm: { from: ['scheduled'], to: 'confirmed', event: 'appointment.confirmed' },
  complete: { from: ['scheduled', 'confirmed'], to: 'completed', event: 'appointment.completed' },
  'no-show': { from: ['scheduled', 'confirmed'], to: 'no_show', event: 'appointment.no_show' },
};
export type AppointmentAction = keyof typeof TRANSITIONS;

const MINUTE = 60_000;

export function toAppointmentView(a: Appointment, calendarEventId: string | null = null): AppointmentView {
  return {
    id: a.id,
    contactId: a.contactId,
    service: a.service,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    durationMinutes: a.durationMinutes,
    status: a.status,
    connectionId: a.connectionId,
    calendarId: a.calendarId,
    calendarEventId,
    resource: a.resource,
    notes: a.notes,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/**
 * Appointments: booked, moved, confirmed, cancelled, completed, missed. Each change is stored with
 * its `appointment.*` event in one transaction (the reminders workflow consumes them) and, when a
 * calendar is connected, with the change of its mirrored Google event (pushed by a job).
 */
@Injectable()
export class AppointmentsService {
  constructor(
    @InjectRepository(Appointment) private readonly repo: Repository<Appointment>,
    private readonly dataSource: DataSource,
    private readonly connections: CalendarConnections,
    private readonly events: CalendarEvents,
    private readonly contacts: ContactsService,
    private readonly workspaces: WorkspacesService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async create(workspaceId: string, dto: CreateAppointmentDto): Promise<AppointmentView> {
    const contactId = await this.contactOf(workspaceId, dto);
    const connection = await this.connections.resolve(workspaceId);
    const usable = connection?.status === 'active' ? connection : null;
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(startsAt.getTime() + dto.durationMinutes * MINUTE);
    const calendarId = usable ? (dto.calendarId ?? usable.calendarIds[0]) : null;
    const now = this.clock.now();
    const row = this.repo.create({
      id: uuidv7(),
      workspaceId,
      contactId,
      service: dto.service,
      startsAt,
      endsAt,
      durationMinutes: dto.durationMinutes,
      status: 'scheduled',
      connectionId: usable?.id ?? null,
      calendarId,
      resource: dto.resource ?? null,
      notes: dto.notes ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (!dto.allowConflicts) await this.refuseConflicts(row);
    const { pending, eventRow } = await this.dataSource.transaction(async (m) => {
      await m.insert(Appointment, row);
      const eventRow = usable
        ? await this.events.insertLocal(m, {
            workspaceId,
            connection: usable,
            calendarId: calendarId!,
            summary: await this.summaryOf(row),
            description: row.notes,
            startsAt,
            endsAt,
            timeZone: (await this.workspaces.profileOf(workspaceId)).timeZone,
            appointmentId: row.id,
          })
        : null;
      return { pending: await this.emit(m, row, 'appointment.scheduled', 'scheduled'), eventRow };
    });
    await this.bus.publish(pending);
    if (eventRow) await this.events.offer(eventRow);
    return toAppointmentView(row, eventRow?.id ?? null);
  }

  async reschedule(workspaceId: string, id: string, dto: UpdateAppointmentDto): Promise<AppointmentView> {
    const row = await this.find(workspaceId, id);
    const startsAt = dto.startsAt ? new Date(dto.startsAt) : row.startsAt;
    const duration = dto.durationMinutes ?? row.durationMinutes;
    const next: Appointment = {
      ...row,
      service: dto.service ?? row.service,
      resource: dto.resource ?? row.resource,
      notes: dto.notes ?? row.notes,
      startsAt,
      durationMinutes: duration,
      endsAt: new Date(startsAt.getTime() + duration * MINUTE),
      updatedAt: this.clock.now(),
    };
    const moved =
      next.startsAt.getTime() !== row.startsAt.getTime() || next.endsAt.getTime() !== row.endsAt.getTime();
    if (moved && !LIVE.includes(row.status))
      throw new CalendarProblem(
        'APPOINTMENT_STATUS_INVALID',
        `A ${row.status} appointment cannot be rescheduled`,
      );
    if (moved && !dto.allowConflicts) await this.refuseConflicts(next);
    return this.apply(row, next, moved ? 'appointment.rescheduled' : null, true);
  }

  async transition(workspaceId: string, id: string, action: AppointmentAction): Promise<AppointmentView> {
    const t = TRANSITIONS[action];
    const row = await this.find(workspaceId, id);
    if (row.status === t.to)
      return toAppointmentView(row, (await this.events.byAppointment(row.id))?.id ?? null);
    if (!t.from.includes(row.status))
      throw new CalendarProblem('APPOINTMENT_STATUS_INVALID', `A ${row.status} appointment cannot ${action}`);
    return this.apply(
      row,
      { ...row, status: t.to, updatedAt: this.clock.now() },
      t.event,
      action === 'cancel',
    );
  }

  /**
   * A change made in Google (found by the sync): the appointment follows its event, and the
   * reminders follow the `appointment.rescheduled` / `appointment.cancelled` it emits. Nothing is
   * pushed back.
   */
  async changedInGoogle(
    m: EntityManager,
    appointmentId: string,
    change: { startsAt: Date; endsAt: Date } | 'deleted',
  ): Promise<PendingEvents | null> {
    const row = await m.findOne(Appointment, { where: { id: appointmentId } });
    if (!row || !LIVE.includes(row.status)) return null;
    const now = this.clock.now();
    if (change === 'deleted') {
      const next = { ...row, status: 'cancelled' as const, updatedAt: now };
      await m.update(Appointment, { id: row.id }, { status: next.status, updatedAt: now });
      return this.emit(m, next, 'appointment.cancelled', 'google');
    }
    if (
      change.startsAt.getTime() === row.startsAt.getTime() &&
      change.endsAt.getTime() === row.endsAt.getTime()
    )
      return null;
    const durationMinutes = Math.max(
      1,
      Math.round((change.endsAt.getTime() - change.startsAt.getTime()) / MINUTE),
    );
    const next = {
      ...row,
      startsAt: change.startsAt,
      endsAt: change.endsAt,
      durationMinutes,
      updatedAt: now,
    };
    await m.update(
      Appointment,
      { id: row.id },
      { startsAt: next.startsAt, endsAt: next.endsAt, durationMinutes, updatedAt: now },
    );
    return this.emit(m, next, 'appointment.rescheduled', 'google', row.startsAt);
  }

  async get(workspaceId: string, id: string): Promise<AppointmentView> {
    const row = await this.find(workspaceId, id);
    return toAppointmentView(row, (await this.events.byAppointment(row.id))?.id ?? null);
  }

  async list(workspaceId: string, query: AppointmentQuery): Promise<Page<AppointmentView>> {
    const qb = this.repo.createQueryBuilder('a').where('a.workspaceId = :ws', { ws: workspaceId });
    if (query.contactId) qb.andWhere('a.contactId = :contact', { contact: query.contactId });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.day) {
      const tz = (await this.workspaces.profileOf(workspaceId)).timeZone;
      qb.andWhere('a.startsAt >= :dayStart AND a.startsAt < :dayEnd', {
        dayStart: zonedToInstant(query.day, '00:00', tz),
        dayEnd: zonedToInstant(nextDate(query.day), '00:00', tz),
      });
    }
    return paginate(qb, query, (a) => toAppointmentView(a));
  }

  /** The contact's next live appointment (the booking flow's "confirmo" / "remarcar"). */
  nextOf(workspaceId: string, contactId: string): Promise<Appointment | null> {
    return this.repo
      .createQueryBuilder('a')
      .where('a.workspaceId = :ws AND a.contactId = :c AND a.status IN (:...live) AND a.startsAt > :now', {
        ws: workspaceId,
        c: contactId,
        live: LIVE,
        now: this.clock.now(),
      })
      .orderBy('a.startsAt', 'ASC')
      .getOne();
  }

  /** Live appointments overlapping a range (for availability when no calendar is connected). */
  liveBetween(workspaceId: string, from: Date, to: Date): Promise<Appointment[]> {
    return this.repo
      .createQueryBuilder('a')
      .where('a.workspaceId = :ws AND a.status IN (:...live) AND a.startsAt < :to AND a.endsAt > :from', {
        ws: workspaceId,
        live: LIVE,
        from,
        to,
      })
      .getMany();
  }

  private async apply(
    row: Appointment,
    next: Appointment,
    eventType: string | null,
    touchesCalendar: boolean,
  ): Promise<AppointmentView> {
    const linked = await this.events.byAppointment(row.id);
    const { pending, eventRow } = await this.dataSource.transaction(async (m) => {
      await m.update(Appointment, { id: row.id }, next);
      let eventRow = linked;
      if (linked && touchesCalendar && linked.status !== 'cancelled') {
        eventRow =
          next.status === 'cancelled'
            ? await this.events.cancelLocal(m, linked)
            : await this.events.change(m, linked, {
                summary: await this.summaryOf(next),
                description: next.notes,
                startsAt: next.startsAt,
                endsAt: next.endsAt,
              });
      }
      const pending = eventType
        ? await this.emit(
            m,
            next,
            eventType,
            'api',
            eventType === 'appointment.rescheduled' ? row.startsAt : undefined,
          )
        : { rows: [] };
      if (eventType === 'appointment.completed')
        pending.rows.push(...(await this.emit(m, next, 'service.completed', 'api')).rows);
      return { pending, eventRow };
    });
    await this.bus.publish(pending);
    if (eventRow && eventRow !== linked) await this.events.offer(eventRow);
    return toAppointmentView(next, eventRow?.id ?? null);
  }

  private async emit(
    m: EntityManager,
    a: Appointment,
    type: string,
    via: string,
    previousStartsAt?: Date,
  ): Promise<PendingEvents> {
    const contact = await this.contacts.find(a.workspaceId, a.contactId);
    const data: Record<string, unknown> = {
      appointmentId: a.id,
      contactId: a.contactId,
      name: contact?.name ?? null,
      phone: contact?.phone ?? null,
      email: contact?.email ?? null,
      service: a.service,
      startsAt: a.startsAt.toISOString(),
      endsAt: a.endsAt.toISOString(),
      durationMinutes: a.durationMinutes,
      status: a.status,
      calendarId: a.calendarId,
      resource: a.resource,
      via,
      ...(previousStartsAt ? { previousStartsAt: previousStartsAt.toISOString() } : {}),
    };
    return this.bus.emitIn(m, a.workspaceId, type, data, {
      dedupeKey: `appointment:${a.id}:${type}:${a.updatedAt.getTime()}`,
    });
  }

  private async refuseConflicts(a: Appointment): Promise<void> {
    const range = { startsAt: a.startsAt, endsAt: a.endsAt };
    const found: Conflict[] = [];
    if (a.connectionId && a.calendarId) {
      const events = await this.events.conflicts(a.workspaceId, a.connectionId, a.calendarId, range);
      found.push(...events.filter((e) => e.appointmentId !== a.id).map(eventConflict));
    }
    const qb = this.repo
      .createQueryBuilder('a')
      .where('a.workspaceId = :ws AND a.id <> :id AND a.status IN (:...live)', {
        ws: a.workspaceId,
        id: a.id,
        live: LIVE,
      })
      .andWhere('a.startsAt < :end AND a.endsAt > :start', { start: a.startsAt, end: a.endsAt });
    if (a.resource) qb.andWhere('(a.resource = :res OR a.resource IS NULL)', { res: a.resource });
    for (const other of await qb.getMany()) {
      if (found.some((c) => c.id === other.id)) continue;
      found.push({
        id: other.id,
        kind: 'appointment',
        summary: other.service,
        startsAt: other.startsAt.toISOString(),
        endsAt: other.endsAt.toISOString(),
      });
    }
    if (found.length) throw conflictProblem(found);
  }

  private async contactOf(workspaceId: string, dto: CreateAppointmentDto): Promise<string> {
    if (dto.contactId) {
      const contact = await this.contacts.find(workspaceId, dto.contactId);
      if (!contact) throw notFound('Contact');
      return contact.id;
    }
    if (!dto.contact?.phone && !dto.contact?.email)
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'contact', message: 'give contactId, or contact with a phone or an e-mail' }],
      });
    try {
      return (await this.contacts.upsertFromChannel(workspaceId, dto.contact)).id;
    } catch (err) {
      if (!/needs a waId, phone or e-mail/.test((err as Error).message)) throw err;
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'contact.phone', message: 'is not a valid phone number' }],
      });
    }
  }

  private async summaryOf(a: Appointment): Promise<string> {
    const contact = await this.contacts.find(a.workspaceId, a.contactId);
    return contact?.name ? `${a.service} — ${contact.name}` : a.service;
  }

  private async find(workspaceId: string, id: string): Promise<Appointment> {
    const row = await this.repo.findOne({ where: { id, workspaceId } });
    if (!row) throw notFound('Appointment');
    return row;
  }
}
