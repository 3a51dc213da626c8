import { Injectable } from '@nestjs/common';
import { WorkspacesService } from '../gateway/workspaces/workspaces.service';
import { Clock } from '../platform/clock';
import { ProblemException } from '../platform/http/problem';
import { AppointmentsService } from './appointments.service';
import { DEFAULT_WORKING_HOURS, freeSlots, TimeRange, WorkingHours } from './availability';
import { CalendarProblem } from './calendar.problems';
import { AvailabilityDto, AvailabilityView } from './calendar.dto';
import { CalendarConnections } from './calendar-connections.service';
import { CalendarEvents } from './calendar-events.service';
import { GoogleFailure } from './google-calendar.client';
import { isTimeZone, WEEKDAYS } from '../platform/zoned-time';

const MAX_RANGE_MS = 62 * 86_400_000;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const invalid = (field: string, message: string) =>
  new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
    errors: [{ field, message }],
  });

/**
 * Free slots: Google's `freeBusy` for the calendars (asked at request time: the answer is the
 * point of the call), plus local bookings Google may not have yet, cut into slots by the working
 * hours, breaks and buffer in the workspace's time zone.
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly connections: CalendarConnections,
    private readonly events: CalendarEvents,
    private readonly appointments: AppointmentsService,
    private readonly workspaces: WorkspacesService,
    private readonly clock: Clock,
  ) {}

  async find(workspaceId: string, dto: AvailabilityDto): Promise<AvailabilityView> {
    const from = new Date(dto.from);
    const to = new Date(dto.to);
    if (to <= from) throw invalid('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw invalid('to', 'at most 62 days after from');
    const timeZone = dto.timeZone ?? (await this.workspaces.profileOf(workspaceId)).timeZone;
    if (!isTimeZone(timeZone)) throw invalid('timeZone', 'unknown time zone');
    const workingHours = this.checkHours(dto.workingHours) ?? DEFAULT_WORKING_HOURS;

    const busy: TimeRange[] = [];
    const calendarErrors: Record<string, string> = {};
    const connection = await this.connections.resolve(workspaceId, dto.connectionId);
    if (connection?.status === 'active') {
      const calendarIds = dto.calendarIds ?? connection.calendarIds;
      try {
        const answer = await this.connections.withCalendar(
          connection,
          async (api) =>
            (
              await api.freebusy.query(
                {
                  requestBody: {
                    timeMin: from.toISOString(),
                    timeMax: to.toISOString(),
                    timeZone,
                    items: calendarIds.map((id) => ({ id })),
                  },
                },
                { retry: false },
              )
            ).data,
        );
        for (const [id, cal] of Object.entries(answer.calendars ?? {})) {
          if (cal.errors?.length) calendarErrors[id] = cal.errors.map((e) => e.reason).join(', ');
          for (const b of cal.busy ?? [])
            if (b.start && b.end) busy.push({ start: new Date(b.start), end: new Date(b.end) });
        }
      } catch (err) {
        if (err instanceof GoogleFailure) throw new CalendarProblem('CALENDAR_PROVIDER_ERROR', err.message);
        throw err;
      }
      for (const e of await this.events.unpushed(connection.id, calendarIds, from, to))
        busy.push({ start: e.startsAt, end: e.endsAt });
    } else if (dto.connectionId || dto.calendarIds) {
      throw new CalendarProblem('CALENDAR_NOT_CONNECTED');
    }
    // Appointments booked without a calendar take their time too.
    for (const a of await this.appointments.liveBetween(workspaceId, from, to))
      if (!a.connectionId) busy.push({ start: a.startsAt, end: a.endsAt });

    const slots = freeSlots({
      from,
      to,
      slotMinutes: dto.slotMinutes,
      timeZone,
      workingHours,
      breaks: dto.breaks,
      bufferMinutes: dto.bufferMinutes,
      busy,
      notBefore: this.clock.now(),
      limit: dto.limit,
    });
    return {
      timeZone,
      slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
      calendarErrors,
    };
  }

  private checkHours(hours: AvailabilityDto['workingHours']): WorkingHours | undefined {
    if (hours === undefined) return undefined;
    for (const [day, ranges] of Object.entries(hours)) {
      if (!(WEEKDAYS as readonly string[]).includes(day))
        throw invalid(`workingHours.${day}`, `must be one of ${WEEKDAYS.join(', ')}`);
      if (!Array.isArray(ranges)) throw invalid(`workingHours.${day}`, 'must be a list of {start, end}');
      ranges.forEach((r: unknown, i) => {
        const range = r as { start?: unknown; end?: unknown } | null;
        const ok =
          range &&
          typeof range.start === 'string' &&
          typeof range.end === 'string' &&
          HHMM.test(range.start) &&
          HHMM.test(range.end) &&
          range.start < range.end;
        if (!ok)
          throw invalid(
            `workingHours.${day}.${i}`,
            'must be {start: "HH:mm", end: "HH:mm"} with start < end',
          );
      });
    }
    return hours;
  }
}
