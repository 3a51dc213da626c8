import { ApiProblems } from '../../platform/openapi/problem-response';
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
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiKeyPage, ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@RequireScope('admin')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create an API key; the key is in the answer once' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(caller, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys of the workspace (revoked ones too)' })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<ApiKeyPage> {
    return this.keys.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an API key (without the key itself)' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ApiKeyView> {
    return this.keys.get(caller, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key, effective at once on every instance' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(404)
  revoke(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.keys.revoke(caller, id);
  }
}
