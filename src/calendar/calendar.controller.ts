import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../platform/http/id-param';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../platform/http/pagination';
import { Caller, Principal, Public, RequireScope } from '../platform/http/principal';
import { ApiProblems } from '../platform/openapi/problem-response';
import { AvailabilityService } from './availability.service';
import {
  AvailabilityDto,
  AvailabilityView,
  CalendarEventPage,
  CalendarEventView,
  CalendarConnectionPage,
  CalendarConnectionView,
  CreateCalendarConnectionDto,
  CreatedCalendarConnectionView,
  CreateCalendarEventDto,
  CalendarEventQuery,
  OAuthCallbackQuery,
  UpdateCalendarEventDto,
} from './calendar.dto';
import { CalendarConnections } from './calendar-connections.service';
import { CalendarEvents, toEventView } from './calendar-events.service';
import { JobQueue } from '../platform/queue/job-queue.service';

@ApiTags('calendar')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/calendar')
export class CalendarController {
  constructor(
    private readonly connections: CalendarConnections,
    private readonly events: CalendarEvents,
    private readonly availability: AvailabilityService,
    private readonly jobs: JobQueue,
  ) {}

  @Post('connections')
  @Idempotent()
  @RequireScope('calendar:write')
  @ApiOperation({
    summary: 'Connect Google Calendar: OAuth (answers the consent URL) or a service account key',
  })
  @ApiCreatedResponse({ type: CreatedCalendarConnectionView })
  @ApiProblems(400, 409, 415, 422)
  createConnection(
    @Caller() caller: Principal,
    @Body() dto: CreateCalendarConnectionDto,
  ): Promise<CreatedCalendarConnectionView> {
    return this.connections.create(caller, dto);
  }

  @Get('connections')
  @RequireScope('calendar:read')
  @ApiOperation({ summary: 'List calendar connections' })
  @ApiOkResponse({ type: CalendarConnectionPage })
  @ApiProblems(400)
  listConnections(@Caller() caller: Principal, @Query() query: PageQuery): Promise<CalendarConnectionPage> {
    return this.connections.list(caller, query);
  }

  @Get('connections/:id')
  @RequireScope('calendar:read')
  @ApiOperation({ summary: 'A calendar connection (never its credentials)' })
  @ApiOkResponse({ type: CalendarConnectionView })
  @ApiProblems(404)
  getConnection(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
  ): Promise<CalendarConnectionView> {
    return this.connections.get(caller, id);
  }

  @Delete('connections/:id')
  @HttpCode(204)
  @RequireScope('calendar:write')
  @ApiOperation({ summary: 'Disconnect (the events stay in Google)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  removeConnection(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.connections.remove(caller, id);
  }

  @Post('connections/:id/sync')
  @HttpCode(202)
  @RequireScope('calendar:write')
  @ApiOperation({
    summary: 'Sync now (a job): changes made in Google reach Ponte without waiting for the schedule',
  })
  @ApiAcceptedResponse({ type: CalendarConnectionView })
  @ApiProblems(404)
  async syncNow(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
  ): Promise<CalendarConnectionView> {
    const view = await this.connections.get(caller, id);
    await this.jobs.enqueue('calendar.sync', { workspaceId: caller.workspaceId, connectionId: id });
    return view;
  }

  @Get('google/oauth/callback')
  @Public()
  @ApiOperation({ summary: 'Where Google sends the browser after consent: stores the tokens (sealed)' })
  @ApiOkResponse({ type: CalendarConnectionView })
  @ApiProblems(400, 502)
  callback(@Query() query: OAuthCallbackQuery): Promise<CalendarConnectionView> {
    return this.connections.callback(query);
  }

  @Post('events')
  @Idempotent()
  @RequireScope('calendar:write')
  @ApiOperation({
    summary: 'Create an event (pushed to Google by a job); 409 CALENDAR_CONFLICT lists overlaps',
  })
  @ApiCreatedResponse({ type: CalendarEventView })
  @ApiProblems(400, 409, 415)
  createEvent(@Caller() caller: Principal, @Body() dto: CreateCalendarEventDto): Promise<CalendarEventView> {
    return this.events.create(caller.workspaceId, dto);
  }

  @Get('events')
  @RequireScope('calendar:read')
  @ApiOperation({
    summary: 'Events by calendar and range, earliest first (the local mirror, kept by the sync)',
  })
  @ApiOkResponse({ type: CalendarEventPage })
  @ApiProblems(400)
  listEvents(@Caller() caller: Principal, @Query() query: CalendarEventQuery): Promise<CalendarEventPage> {
    return this.events.list(caller, query);
  }

  @Get('events/:id')
  @RequireScope('calendar:read')
  @ApiOperation({ summary: 'An event' })
  @ApiOkResponse({ type: CalendarEventView })
  @ApiProblems(404)
  async getEvent(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CalendarEventView> {
    return toEventView(await this.events.find(caller.workspaceId, id));
  }

  @Patch('events/:id')
  @RequireScope('calendar:write')
  @ApiOperation({ summary: 'Change or move an event; 409 CALENDAR_CONFLICT when the new time overlaps' })
  @ApiOkResponse({ type: CalendarEventView })
  @ApiProblems(400, 404, 409, 415)
  updateEvent(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateCalendarEventDto,
  ): Promise<CalendarEventView> {
    return this.events.update(caller, id, dto);
  }

  @Delete('events/:id')
  @HttpCode(204)
  @RequireScope('calendar:write')
  @ApiOperation({ summary: 'Delete an event (in Google too, by a job)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409)
  removeEvent(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.events.remove(caller, id);
  }

  @Post('availability')
  @HttpCode(200)
  @RequireScope('calendar:read')
  @ApiOperation({
    summary: 'Free slots from Google freeBusy, working hours, breaks and buffers, in the workspace time zone',
  })
  @ApiOkResponse({ type: AvailabilityView })
  @ApiProblems(400, 409, 415, 502)
  findSlots(@Caller() caller: Principal, @Body() dto: AvailabilityDto): Promise<AvailabilityView> {
    return this.availability.find(caller.workspaceId, dto);
  }
}
