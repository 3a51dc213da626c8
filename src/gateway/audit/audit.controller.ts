import { ApiProblems } from '../../platform/openapi/problem-response';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { AuditLogPage, AuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@RequireScope('admin')
@ApiProblems(400, 401, 403, 429, 503)
@Controller('v1/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Authenticated requests of the workspace: actor, route, status, duration, IP' })
  @ApiOkResponse({ type: AuditLogPage })
  list(@Caller() caller: Principal, @Query() query: AuditQuery): Promise<AuditLogPage> {
    return this.audit.list(caller, query);
  }
}
