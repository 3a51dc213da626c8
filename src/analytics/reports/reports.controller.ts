import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ReportQuery } from './reports.dto';
import { AnalyticsReports } from './reports.service';

@ApiTags('analytics')
@ApiProblems(401, 403, 429)
@Controller('v1/analytics')
export class ReportsController {
  constructor(private readonly reports: AnalyticsReports) {}

  @Get('report')
  @RequireScope('analytics:read')
  @ApiOperation({
    summary:
      'The workspace’s report for a period: cover, KPI tables with the previous period, charts (volume by day, delivery funnel, channel mix); pt-BR formats',
  })
  @ApiProduces(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/pdf',
    'text/csv',
  )
  @ApiOkResponse({ description: 'The file, with Content-Disposition naming the period' })
  @ApiProblems(400)
  async report(
    @Caller() caller: Principal,
    @Query() query: ReportQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const file = await this.reports.render(caller.workspaceId, query.format ?? 'xlsx', query);
    void reply.header('content-type', file.contentType);
    void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
    void reply.header('cache-control', 'no-store');
    return file.body;
  }
}
