import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  CreateSyncJobDto,
  SyncJobDetailView,
  SyncJobPage,
  SyncJobView,
  SyncRunView,
  SyncStatsQuery,
  SyncStatsView,
  SyncTemplateView,
} from './sync-jobs.dto';
import { SyncJobsService } from './sync-jobs.service';

@ApiTags('sync')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/sync')
export class SyncJobsController {
  constructor(private readonly jobs: SyncJobsService) {}

  @Post('jobs')
  @Idempotent()
  @RequireScope('sync:write')
  @ApiOperation({ summary: 'Define a sync job: source, target, JSONata mapping and key, schedule' })
  @ApiCreatedResponse({ type: SyncJobView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateSyncJobDto): Promise<SyncJobView> {
    return this.jobs.create(caller, dto);
  }

  @Get('jobs')
  @RequireScope('sync:read')
  @ApiOperation({ summary: 'List sync jobs with their last run' })
  @ApiOkResponse({ type: SyncJobPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() q: PageQuery): Promise<SyncJobPage> {
    return this.jobs.list(caller, q);
  }

  @Get('jobs/:id')
  @RequireScope('sync:read')
  @ApiOperation({
    summary:
      'A sync job with its latest runs: counts (read, created, updated, unchanged, failed) and failures',
  })
  @ApiOkResponse({ type: SyncJobDetailView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SyncJobDetailView> {
    return this.jobs.get(caller, id);
  }

  @Post('jobs/:id/start')
  @HttpCode(202)
  @RequireScope('sync:write')
  @ApiOperation({ summary: 'Start a run now (409 while one is running)' })
  @ApiAcceptedResponse({ type: SyncRunView })
  @ApiProblems(404, 409)
  start(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SyncRunView> {
    return this.jobs.start(caller, id);
  }

  @Get('templates')
  @RequireScope('sync:read')
  @ApiOperation({ summary: "Built-in job templates: the seed's four schedules" })
  @ApiOkResponse({ type: [SyncTemplateView] })
  templates(): SyncTemplateView[] {
    return this.jobs.templates();
  }

  @Get('stats')
  @RequireScope('sync:read')
  @ApiOperation({
    summary: 'Jobs, runs by status and records by outcome over a period (default the last 24 h)',
  })
  @ApiOkResponse({ type: SyncStatsView })
  @ApiProblems(400)
  stats(@Caller() caller: Principal, @Query() q: SyncStatsQuery): Promise<SyncStatsView> {
    return this.jobs.stats(caller, q);
  }
}
