import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  AcceptedEventView,
  CreateEventDto,
  EventDetailView,
  EventPage,
  EventQuery,
  EventStatsView,
  StatsQuery,
} from './events.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @RequireScope('events:write')
  @ApiOperation({ summary: 'Post an event from your own systems; processed asynchronously' })
  @ApiAcceptedResponse({ type: AcceptedEventView })
  @ApiProblems(400, 409, 413, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateEventDto): Promise<AcceptedEventView> {
    return this.events.create(caller, dto);
  }

  @Get()
  @RequireScope('events:read')
  @ApiOperation({ summary: 'List events, newest first' })
  @ApiOkResponse({ type: EventPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: EventQuery): Promise<EventPage> {
    return this.events.list(caller, query);
  }

  @Get('stats')
  @RequireScope('events:read')
  @ApiOperation({ summary: 'Counts by status and type over a window (default: the last 24 h)' })
  @ApiOkResponse({ type: EventStatsView })
  @ApiProblems(400)
  stats(@Caller() caller: Principal, @Query() query: StatsQuery): Promise<EventStatsView> {
    return this.events.stats(caller, query);
  }

  @Get(':id')
  @RequireScope('events:read')
  @ApiOperation({ summary: 'An event with its status and every processing attempt' })
  @ApiOkResponse({ type: EventDetailView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<EventDetailView> {
    return this.events.get(caller, id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequireScope('events:write')
  @ApiOperation({
    summary: 'Process a failed, dead or stuck event again (a new round of attempts)',
    description:
      'Stuck: `received` or `processing` for longer than STUCK_WORK_AFTER_SECONDS (5 minutes by default). Anything else answers 409.',
  })
  @ApiAcceptedResponse({ type: AcceptedEventView })
  @ApiProblems(404, 409)
  retry(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AcceptedEventView> {
    return this.events.retry(caller, id);
  }
}
