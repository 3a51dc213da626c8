import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  ConnectionCheckView,
  AccountingConnectionPage,
  AccountingConnectionView,
  CreateAccountingConnectionDto,
  UpdateConnectionDto,
} from './connections.dto';
import { ConnectionsService } from './connections.service';

@ApiTags('accounting')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/accounting/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @Idempotent()
  @RequireScope('accounting:write')
  @ApiOperation({
    summary: 'Connect an accounting system (Omie or a REST ERP); credentials are stored encrypted',
  })
  @ApiCreatedResponse({ type: AccountingConnectionView })
  @ApiProblems(400, 409, 415, 422)
  create(
    @Caller() caller: Principal,
    @Body() dto: CreateAccountingConnectionDto,
  ): Promise<AccountingConnectionView> {
    return this.connections.create(caller, dto);
  }

  @Get()
  @RequireScope('accounting:read')
  @ApiOperation({ summary: 'List accounting connections (secrets masked)' })
  @ApiOkResponse({ type: AccountingConnectionPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<AccountingConnectionPage> {
    return this.connections.list(caller, query);
  }

  @Get(':id')
  @RequireScope('accounting:read')
  @ApiOperation({ summary: 'Get an accounting connection (secrets masked)' })
  @ApiOkResponse({ type: AccountingConnectionView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AccountingConnectionView> {
    return this.connections.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('accounting:write')
  @ApiOperation({ summary: 'Change a connection; config keys given are merged into the current config' })
  @ApiOkResponse({ type: AccountingConnectionView })
  @ApiProblems(400, 404, 415, 422)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateConnectionDto,
  ): Promise<AccountingConnectionView> {
    return this.connections.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('accounting:write')
  @ApiOperation({ summary: 'Delete a connection (its sync records stay, for the history)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.connections.remove(caller, id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @RequireScope('accounting:write')
  @ApiOperation({ summary: 'Call the accounting system with the stored credentials' })
  @ApiOkResponse({ type: ConnectionCheckView })
  @ApiProblems(404)
  check(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ConnectionCheckView> {
    return this.connections.check(caller, id);
  }
}
