import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../platform/http/id-param';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../platform/http/principal';
import { ApiProblems } from '../platform/openapi/problem-response';
import { WorkflowExecutions } from './workflow-executions';
import {
  CreateWorkflowDto,
  ExecutionPage,
  ExecutionView,
  FromTemplateDto,
  UpdateWorkflowDto,
  WorkflowPage,
  WorkflowTemplateList,
  WorkflowView,
} from './workflows.dto';
import { WorkflowsService } from './workflows.service';

@ApiTags('workflows')
@ApiProblems(401, 403, 429, 503)
@Controller('v1')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly executions: WorkflowExecutions,
  ) {}

  @Post('workflows')
  @Idempotent()
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Create a workflow (version 1); 422 WORKFLOW_INVALID names each bad step field' })
  @ApiCreatedResponse({ type: WorkflowView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateWorkflowDto): Promise<WorkflowView> {
    return this.workflows.create(caller, dto);
  }

  @Post('workflows/from-template')
  @Idempotent()
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Create a workflow from a built-in template; overrides address steps by id' })
  @ApiCreatedResponse({ type: WorkflowView })
  @ApiProblems(400, 409, 415, 422)
  fromTemplate(@Caller() caller: Principal, @Body() dto: FromTemplateDto): Promise<WorkflowView> {
    return this.workflows.fromTemplate(caller, dto);
  }

  @Get('workflow-templates')
  @RequireScope('workflows:read')
  @ApiOperation({ summary: 'The built-in workflow templates' })
  @ApiOkResponse({ type: WorkflowTemplateList })
  templates(): WorkflowTemplateList {
    return this.workflows.templates();
  }

  @Get('workflows')
  @RequireScope('workflows:read')
  @ApiOperation({ summary: 'List workflows' })
  @ApiOkResponse({ type: WorkflowPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<WorkflowPage> {
    return this.workflows.list(caller, query);
  }

  @Get('workflows/:id')
  @RequireScope('workflows:read')
  @ApiOperation({ summary: 'Get a workflow (its current version)' })
  @ApiOkResponse({ type: WorkflowView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<WorkflowView> {
    return this.workflows.get(caller, id);
  }

  @Patch('workflows/:id')
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Change a workflow: a new version; running executions finish on theirs' })
  @ApiOkResponse({ type: WorkflowView })
  @ApiProblems(400, 404, 415, 422)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateWorkflowDto,
  ): Promise<WorkflowView> {
    return this.workflows.update(caller, id, dto);
  }

  @Delete('workflows/:id')
  @HttpCode(204)
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Delete a workflow; its running and waiting executions are cancelled' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.workflows.remove(caller, id);
  }

  @Get('workflows/:id/executions')
  @RequireScope('workflows:read')
  @ApiOperation({ summary: "A workflow's executions, newest first" })
  @ApiOkResponse({ type: ExecutionPage })
  @ApiProblems(400, 404)
  async executionsOf(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<ExecutionPage> {
    await this.workflows.get(caller, id);
    return this.executions.list(caller, id, query);
  }

  @Get('executions/:id')
  @RequireScope('workflows:read')
  @ApiOperation({ summary: 'An execution with every step: status, times, output or error' })
  @ApiOkResponse({ type: ExecutionView })
  @ApiProblems(404)
  execution(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ExecutionView> {
    return this.executions.get(caller, id);
  }

  @Post('executions/:id/cancel')
  @HttpCode(200)
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Cancel a running or waiting execution' })
  @ApiOkResponse({ type: ExecutionView })
  @ApiProblems(404, 409)
  cancel(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ExecutionView> {
    return this.executions.cancel(caller, id);
  }

  @Post('executions/:id/retry')
  @HttpCode(200)
  @RequireScope('workflows:write')
  @ApiOperation({ summary: 'Run a failed execution again from its failed step' })
  @ApiOkResponse({ type: ExecutionView })
  @ApiProblems(404, 409)
  retry(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ExecutionView> {
    return this.executions.retry(caller, id);
  }
}
