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
import { ApiBodyByKind } from '../../platform/openapi/schema-shapes';
import {
  CREATE_PROVIDER_BODY,
  CreateProviderDto,
  ProviderCheckView,
  ProviderPage,
  ProviderView,
  UpdateProviderDto,
} from './providers.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @Idempotent()
  @RequireScope('providers:write')
  @ApiOperation({ summary: 'Add a provider account for a channel; credentials are stored encrypted' })
  @ApiBodyByKind(CREATE_PROVIDER_BODY)
  @ApiCreatedResponse({ type: ProviderView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateProviderDto): Promise<ProviderView> {
    return this.providers.create(caller, dto);
  }

  @Get()
  @RequireScope('providers:read')
  @ApiOperation({ summary: 'List providers (secrets masked)' })
  @ApiOkResponse({ type: ProviderPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<ProviderPage> {
    return this.providers.list(caller, query);
  }

  @Get(':id')
  @RequireScope('providers:read')
  @ApiOperation({ summary: 'Get a provider (secrets masked)' })
  @ApiOkResponse({ type: ProviderView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ProviderView> {
    return this.providers.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('providers:write')
  @ApiOperation({ summary: 'Change a provider; config keys given are merged into the current config' })
  @ApiOkResponse({ type: ProviderView })
  @ApiProblems(400, 404, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateProviderDto,
  ): Promise<ProviderView> {
    return this.providers.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('providers:write')
  @ApiOperation({ summary: 'Delete a provider' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.providers.remove(caller, id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @RequireScope('providers:write')
  @ApiOperation({ summary: "Call the provider's status endpoint with the stored credentials" })
  @ApiOkResponse({ type: ProviderCheckView })
  @ApiProblems(404)
  check(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ProviderCheckView> {
    return this.providers.check(caller, id);
  }
}
