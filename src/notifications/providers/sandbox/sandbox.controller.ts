import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Principal, RequireScope } from '../../../platform/http/principal';
import { ApiProblems } from '../../../platform/openapi/problem-response';
import { SandboxAdapter } from './sandbox.adapter';
import { SandboxMessagePage, SandboxQuery } from './sandbox.dto';

@ApiTags('notifications')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/sandbox/messages')
export class SandboxController {
  constructor(private readonly sandbox: SandboxAdapter) {}

  @Get()
  @RequireScope('notifications:read')
  @ApiOperation({ summary: 'Messages the sandbox provider recorded, newest first' })
  @ApiOkResponse({ type: SandboxMessagePage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: SandboxQuery): Promise<SandboxMessagePage> {
    return this.sandbox.list(caller.workspaceId, query);
  }
}
