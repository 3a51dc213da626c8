import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, Public, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  AddLineDto,
  Bitrix24CallbackQuery,
  CreateCrmConnectionDto,
  CreatedCrmConnectionView,
  CrmCheckView,
  CrmConnectionPage,
  CrmConnectionView,
  CrmLineView,
} from './crm-connections.dto';
import { CrmConnections } from './crm-connections.service';
import { CrmLines } from './crm-lines.service';

@ApiTags('crm')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/crm')
export class CrmConnectionsController {
  constructor(
    private readonly connections: CrmConnections,
    private readonly lines: CrmLines,
  ) {}

  @Post('connections')
  @Idempotent()
  @RequireScope('crm:write')
  @ApiOperation({
    summary: 'Connect a Bitrix24 portal: answers the URL where its administrator installs the app',
  })
  @ApiCreatedResponse({ type: CreatedCrmConnectionView })
  @ApiProblems(400, 409, 415)
  create(
    @Caller() caller: Principal,
    @Body() dto: CreateCrmConnectionDto,
  ): Promise<CreatedCrmConnectionView> {
    return this.connections.create(caller, dto);
  }

  @Get('connections')
  @RequireScope('crm:read')
  @ApiOperation({ summary: 'List CRM connections (never their tokens)' })
  @ApiOkResponse({ type: CrmConnectionPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<CrmConnectionPage> {
    return this.connections.list(caller, query);
  }

  @Get('connections/:id')
  @RequireScope('crm:read')
  @ApiOperation({ summary: 'A CRM connection with its Open Channel lines' })
  @ApiOkResponse({ type: CrmConnectionView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CrmConnectionView> {
    return this.connections.get(caller, id);
  }

  @Get('connections/:id/check')
  @RequireScope('crm:read')
  @ApiOperation({ summary: 'Call the portal with the stored grant (refreshing it when due)' })
  @ApiOkResponse({ type: CrmCheckView })
  @ApiProblems(404)
  check(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<CrmCheckView> {
    return this.connections.check(caller, id);
  }

  @Delete('connections/:id')
  @HttpCode(204)
  @RequireScope('crm:write')
  @ApiOperation({ summary: 'Disconnect the portal (its lines and chat mappings go too)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.connections.remove(caller, id);
  }

  @Post('connections/:id/lines')
  @RequireScope('crm:write')
  @ApiOperation({
    summary: 'Put the WhatsApp connector on an Open Channel line, answered by one WhatsApp provider',
  })
  @ApiCreatedResponse({ type: CrmLineView })
  @ApiProblems(400, 404, 409, 415, 422, 502)
  addLine(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: AddLineDto,
  ): Promise<CrmLineView> {
    return this.lines.add(caller, id, dto);
  }

  @Get('bitrix24/oauth/callback')
  @Public()
  @ApiOperation({
    summary: 'Where Bitrix24 sends the administrator after consent: stores the grant (sealed)',
  })
  @ApiOkResponse({ type: CrmConnectionView })
  @ApiProblems(400)
  callback(@Query() query: Bitrix24CallbackQuery): Promise<CrmConnectionView> {
    return this.connections.callback(query);
  }
}
