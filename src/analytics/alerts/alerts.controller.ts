import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { AlertRulesService } from './alert-rules.service';
import {
  AlertEventPage,
  AlertEventQuery,
  AlertRulePage,
  AlertRuleView,
  CreateAlertRuleDto,
  UpdateAlertRuleDto,
} from './alerts.dto';

/** Alert rules (firing and resolved news to e-mail, Slack, Discord or a webhook) and their history. */
@ApiTags('alerts')
@ApiProblems(401, 403, 429)
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly rules: AlertRulesService) {}

  @Post('rules')
  @RequireScope('alerts:write')
  @ApiOperation({ summary: 'Create a rule, maybe from a built-in preset' })
  @ApiCreatedResponse({ type: AlertRuleView })
  @ApiProblems(400, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateAlertRuleDto): Promise<AlertRuleView> {
    return this.rules.create(caller, dto);
  }

  @Get('rules')
  @RequireScope('alerts:read')
  @ApiOperation({ summary: 'List rules with their state' })
  @ApiOkResponse({ type: AlertRulePage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<AlertRulePage> {
    return this.rules.list(caller, query);
  }

  @Get('rules/:id')
  @RequireScope('alerts:read')
  @ApiOperation({ summary: 'A rule' })
  @ApiOkResponse({ type: AlertRuleView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AlertRuleView> {
    return this.rules.get(caller, id);
  }

  @Patch('rules/:id')
  @RequireScope('alerts:write')
  @ApiOperation({ summary: 'Change a rule (switching it off or on starts it again from ok)' })
  @ApiOkResponse({ type: AlertRuleView })
  @ApiProblems(400, 404, 422)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateAlertRuleDto,
  ): Promise<AlertRuleView> {
    return this.rules.update(caller, id, dto);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @RequireScope('alerts:write')
  @ApiOperation({ summary: 'Delete a rule (its history stays)' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  async remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    await this.rules.remove(caller, id);
  }

  @Get('events')
  @RequireScope('alerts:read')
  @ApiOperation({ summary: 'Firing and resolved news, newest first' })
  @ApiOkResponse({ type: AlertEventPage })
  @ApiProblems(400)
  events(@Caller() caller: Principal, @Query() query: AlertEventQuery): Promise<AlertEventPage> {
    return this.rules.listEvents(caller, query);
  }
}
