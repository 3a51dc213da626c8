import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { CampaignStatsView, CampaignView, CreateCampaignDto } from './campaigns.dto';
import { CampaignsService } from './campaigns.service';

@ApiTags('collections')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/collections/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Idempotent()
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Create a campaign (draft): template, JSONata filter, window, rate, follow-ups' })
  @ApiCreatedResponse({ type: CampaignView })
  @ApiProblems(400, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(caller, dto);
  }

  @Get(':id')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'A campaign' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignView> {
    return this.campaigns.get(caller, id);
  }

  @Get(':id/stats')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'Targeted, sent, delivered, read, replied, promised, paid, recovered, opted out' })
  @ApiOkResponse({ type: CampaignStatsView })
  @ApiProblems(404)
  stats(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignStatsView> {
    return this.campaigns.stats(caller, id);
  }

  @Post(':id/start')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Target the open debts the filter picks and start sending inside the window' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(404, 409)
  start(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignView> {
    return this.campaigns.start(caller, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Pause sending' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(404, 409)
  pause(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignView> {
    return this.campaigns.transition(caller, id, 'paused');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(404, 409)
  resume(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignView> {
    return this.campaigns.transition(caller, id, 'running');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Cancel: nothing more is sent' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(404, 409)
  cancel(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CampaignView> {
    return this.campaigns.transition(caller, id, 'cancelled');
  }
}
