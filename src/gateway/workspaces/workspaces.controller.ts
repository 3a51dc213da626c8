import { ApiProblems } from '../../platform/openapi/problem-response';
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import {
  CreatedWorkspaceView,
  CreateWorkspaceDto,
  UpdateWorkspaceDto,
  WorkspacePage,
  WorkspaceView,
} from './workspaces.dto';
import { WorkspacesService } from './workspaces.service';

@ApiTags('workspaces')
@RequireScope('platform:admin')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a workspace and its first admin API key (shown once)' })
  @ApiCreatedResponse({ type: CreatedWorkspaceView })
  @ApiProblems(400, 409, 415, 422)
  create(@Body() dto: CreateWorkspaceDto): Promise<CreatedWorkspaceView> {
    return this.workspaces.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List workspaces' })
  @ApiOkResponse({ type: WorkspacePage })
  @ApiProblems(400)
  list(@Query() query: PageQuery): Promise<WorkspacePage> {
    return this.workspaces.list(query);
  }

  @Patch(':id')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Rename a workspace or set its business details (name, time zone, locale, address)',
    description:
      'A platform admin may change any workspace, a workspace admin its own. Templates get `businessName` and `address` from here when the data gives none.',
  })
  @ApiOkResponse({ type: WorkspaceView })
  @ApiProblems(400, 404, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateWorkspaceDto,
  ): Promise<WorkspaceView> {
    return this.workspaces.update(caller, id, dto);
  }
}

@ApiTags('workspaces')
@ApiProblems(401, 429, 503)
@Controller('v1/workspace')
export class CurrentWorkspaceController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  @ApiOperation({ summary: "The caller's own workspace, with its business details" })
  @ApiOkResponse({ type: WorkspaceView })
  current(@Caller() caller: Principal): Promise<WorkspaceView> {
    return this.workspaces.current(caller);
  }
}
