import { ApiProblems } from '../../platform/openapi/problem-response';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { RequireScope } from '../../platform/http/principal';
import { CreatedWorkspaceView, CreateWorkspaceDto, WorkspacePage } from './workspaces.dto';
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
}
