import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  PipeTransform,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  CreateMappingDto,
  EVENT_TYPE,
  EVENT_TYPE_MAX,
  MappingPage,
  MappingTestView,
  MappingView,
  SYSTEM,
  TestMappingDto,
} from './mappings.dto';
import { MappingsService } from './mappings.service';

/** A path segment no mapping can have names none: 404, as an id that is not a UUID does (IdPipe). */
class NamePipe implements PipeTransform<string, string> {
  constructor(private readonly pattern: RegExp) {}

  transform(value: string): string {
    if (value.length > EVENT_TYPE_MAX || !this.pattern.test(value)) throw notFound('Mapping');
    return value;
  }
}

const EventTypeParam = new NamePipe(EVENT_TYPE);
const SystemParam = new NamePipe(SYSTEM);

const PairParams = () =>
  applyDecorators(
    ApiParam({ name: 'eventType', description: 'Event type', example: 'lead.created' }),
    ApiParam({ name: 'system', description: 'Target system', example: 'crm' }),
  );

const INVALID =
  'An expression that does not compile (or, when tested, fails or runs too long) is 422 `MAPPING_INVALID` with `position` and `token`.';

@ApiTags('mappings')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/mappings')
export class MappingsController {
  constructor(private readonly mappings: MappingsService) {}

  @Post()
  @Idempotent()
  @RequireScope('deliveries:write')
  @ApiOperation({
    summary: 'Create the next version of the JSONata mapping of (event type, system)',
    description: INVALID,
  })
  @ApiCreatedResponse({ type: MappingView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateMappingDto): Promise<MappingView> {
    return this.mappings.create(caller, dto);
  }

  @Post('test')
  @HttpCode(200)
  @RequireScope('deliveries:write')
  @ApiOperation({
    summary: 'Run an expression on sample data, time-boxed as deliveries are',
    description: INVALID,
  })
  @ApiOkResponse({ type: MappingTestView })
  @ApiProblems(400, 415, 422)
  test(@Body() dto: TestMappingDto): Promise<MappingTestView> {
    return this.mappings.test(dto);
  }

  @Get()
  @RequireScope('deliveries:read')
  @ApiOperation({ summary: 'The current version of every mapping, newest first' })
  @ApiOkResponse({ type: MappingPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<MappingPage> {
    return this.mappings.list(caller, query);
  }

  @Get(':eventType/:system')
  @RequireScope('deliveries:read')
  @PairParams()
  @ApiOperation({ summary: 'The current version of the mapping of (event type, system)' })
  @ApiOkResponse({ type: MappingView })
  @ApiProblems(404)
  current(
    @Caller() caller: Principal,
    @Param('eventType', EventTypeParam) eventType: string,
    @Param('system', SystemParam) system: string,
  ): Promise<MappingView> {
    return this.mappings.current(caller, eventType, system);
  }

  @Get(':eventType/:system/versions')
  @RequireScope('deliveries:read')
  @PairParams()
  @ApiOperation({ summary: 'Every version of the mapping of (event type, system), highest first' })
  @ApiOkResponse({ type: MappingPage })
  @ApiProblems(400, 404)
  versions(
    @Caller() caller: Principal,
    @Param('eventType', EventTypeParam) eventType: string,
    @Param('system', SystemParam) system: string,
    @Query() query: PageQuery,
  ): Promise<MappingPage> {
    return this.mappings.versions(caller, eventType, system, query);
  }
}
