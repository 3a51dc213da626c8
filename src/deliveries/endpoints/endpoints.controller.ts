import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
import { DeliveriesService } from '../sending/deliveries.service';
import { DeliveryPage, PingView, RecoveredView } from '../sending/deliveries.dto';
import {
  CreateEndpointDto,
  EndpointPage,
  EndpointView,
  EndpointWithSecretView,
  RecoverDto,
  UpdateEndpointDto,
} from './endpoints.dto';
import { EndpointsService } from './endpoints.service';

@ApiTags('deliveries')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post()
  @Idempotent()
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'Create an endpoint; its signing secret is in the answer once' })
  @ApiCreatedResponse({ type: EndpointWithSecretView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateEndpointDto): Promise<EndpointWithSecretView> {
    return this.endpoints.create(caller, dto);
  }

  @Get()
  @RequireScope('deliveries:read')
  @ApiOperation({ summary: 'List endpoints' })
  @ApiOkResponse({ type: EndpointPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<EndpointPage> {
    return this.endpoints.list(caller, query);
  }

  @Get(':id')
  @RequireScope('deliveries:read')
  @ApiOperation({ summary: 'Get an endpoint (secret and header values masked)' })
  @ApiOkResponse({ type: EndpointView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<EndpointView> {
    return this.endpoints.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'Change an endpoint; enabling it clears an automatic disable' })
  @ApiOkResponse({ type: EndpointView })
  @ApiProblems(400, 404, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateEndpointDto,
  ): Promise<EndpointView> {
    return this.endpoints.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'Delete an endpoint' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.endpoints.remove(caller, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'New signing secret (shown once); the old one also signs for 24 h' })
  @ApiOkResponse({ type: EndpointWithSecretView })
  @ApiProblems(404)
  rotate(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<EndpointWithSecretView> {
    return this.endpoints.rotateSecret(caller, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'Send a webhook.test ping through the normal delivery path' })
  @ApiAcceptedResponse({ type: PingView })
  @ApiProblems(404)
  test(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<PingView> {
    return this.deliveries.ping(caller, id);
  }

  @Get(':id/deliveries')
  @RequireScope('deliveries:read')
  @ApiOperation({
    summary: 'Deliveries to the endpoint with every attempt (status code, duration, response excerpt)',
  })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiProblems(400, 404)
  deliveriesOf(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<DeliveryPage> {
    return this.deliveries.list(caller, id, query);
  }

  @Post(':id/recover')
  @HttpCode(202)
  @RequireScope('deliveries:write')
  @ApiOperation({ summary: 'Re-send what failed since a time (a new round of attempts each)' })
  @ApiAcceptedResponse({ type: RecoveredView })
  @ApiProblems(400, 404, 415)
  recover(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: RecoverDto,
  ): Promise<RecoveredView> {
    return this.deliveries.recover(caller, id, new Date(dto.since));
  }
}
