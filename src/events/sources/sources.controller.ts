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
  CREATE_SOURCE_BODY,
  CreatedSourceView,
  CreateSourceDto,
  RejectionPage,
  SourcePage,
  SourceView,
  UpdateSourceDto,
} from './sources.dto';
import { SourcesService } from './sources.service';

@ApiTags('sources')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  @Idempotent()
  @RequireScope('sources:write')
  @ApiOperation({
    summary: 'Create an inbound source; the answer holds its webhook URL (and a generated secret, once)',
  })
  @ApiBodyByKind(CREATE_SOURCE_BODY)
  @ApiCreatedResponse({ type: CreatedSourceView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateSourceDto): Promise<CreatedSourceView> {
    return this.sources.create(caller, dto);
  }

  @Get()
  @RequireScope('sources:read')
  @ApiOperation({ summary: 'List sources' })
  @ApiOkResponse({ type: SourcePage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<SourcePage> {
    return this.sources.list(caller, query);
  }

  @Get(':id')
  @RequireScope('sources:read')
  @ApiOperation({ summary: 'Get a source (secrets masked)' })
  @ApiOkResponse({ type: SourceView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SourceView> {
    return this.sources.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('sources:write')
  @ApiOperation({ summary: 'Rename, re-key or disable a source' })
  @ApiOkResponse({ type: SourceView })
  @ApiProblems(400, 404, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateSourceDto,
  ): Promise<SourceView> {
    return this.sources.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('sources:write')
  @ApiOperation({ summary: 'Delete a source (its events stay)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.sources.remove(caller, id);
  }

  @Get(':id/rejections')
  @RequireScope('sources:read')
  @ApiOperation({ summary: 'Refused webhooks of the source: reason and time only' })
  @ApiOkResponse({ type: RejectionPage })
  @ApiProblems(400, 404)
  rejections(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<RejectionPage> {
    return this.sources.rejectionsOf(caller, id, query);
  }
}
