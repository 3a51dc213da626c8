import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { v5 as uuidv5 } from 'uuid';
import { Clock } from '../platform/clock';
import { ProblemException } from '../platform/http/problem';
import { StepError } from '../workflows/step-error';
import { ActionContext, WorkflowAction } from '../workflows/workflow-actions';
import { AvailabilityService } from './availability.service';
import { AvailabilityDto, CreateCalendarEventDto } from './calendar.dto';
import { CalendarEvents } from './calendar-events.service';

/** Namespace of the event ids derived from a workflow step (a retried step creates nothing twice). */
const ACTION_NAMESPACE = '6f1c2b3a-7d4e-5f60-9a8b-1c2d3e4f5a6b';
const DAY = 86_400_000;

/** A DTO from an action's input, validated as the API would; failures fail the step with the fields. */
export async function actionInput<T extends object>(cls: new () => T, input: unknown): Promise<T> {
  const dto = plainToInstance(cls, input ?? {});
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length)
    throw new StepError(
      `input: ${errors.map((e) => `${e.property} ${Object.values(e.constraints ?? { invalid: 'is invalid' }).join(', ')}`).join('; ')}`,
    );
  return dto;
}

/** What a problem says, as a step error (a 409 conflict, a calendar not connected). */
export function stepErrorOf(err: unknown): unknown {
  if (err instanceof ProblemException) return new StepError(`${err.code}: ${err.detail ?? err.message}`);
  return err;
}

/** `calendar.createEvent` and `calendar.findSlots`, for workflows. */
@Injectable()
export class CalendarActions {
  constructor(
    private readonly events: CalendarEvents,
    private readonly availability: AvailabilityService,
    private readonly clock: Clock,
  ) {}

  /** Input as `POST /v1/calendar/events`; answers the event. */
  @WorkflowAction('calendar.createEvent')
  async createEvent(ctx: ActionContext, input: unknown): Promise<unknown> {
    const dto = await actionInput(CreateCalendarEventDto, input);
    try {
      return await this.events.create(ctx.workspaceId, dto, uuidv5(ctx.idempotencyKey, ACTION_NAMESPACE));
    } catch (err) {
      throw stepErrorOf(err);
    }
  }

  /** Input as `POST /v1/calendar/availability`, `from` defaulting to now and `to` to 7 days later. */
  @WorkflowAction('calendar.findSlots')
  async findSlots(ctx: ActionContext, input: unknown): Promise<unknown> {
    const now = this.clock.now();
    const raw = { ...((input ?? {}) as Record<string, unknown>) };
    raw.from ??= now.toISOString();
    raw.to ??= new Date(now.getTime() + 7 * DAY).toISOString();
    const dto = await actionInput(AvailabilityDto, raw);
    try {
      return await this.availability.find(ctx.workspaceId, dto);
    } catch (err) {
      throw stepErrorOf(err);
    }
  }
}
