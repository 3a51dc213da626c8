import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { PutReportScheduleDto, ReportScheduleView, toScheduleView } from './report-schedule.dto';
import { ReportSchedules } from './report-schedules.service';

/** The workspace's weekly report by e-mail (one schedule per workspace). */
@ApiTags('analytics')
@ApiProblems(401, 403, 429)
@Controller('v1/analytics/report-schedule')
export class ReportSchedulesController {
  constructor(private readonly schedules: ReportSchedules) {}

  @Get()
  @RequireScope('analytics:read')
  @ApiOperation({ summary: 'The weekly report schedule, with when it runs next and how the last run went' })
  @ApiOkResponse({ type: ReportScheduleView })
  @ApiProblems(404)
  async get(@Caller() caller: Principal): Promise<ReportScheduleView> {
    return toScheduleView(await this.schedules.get(caller.workspaceId));
  }

  @Put()
  @RequireScope('analytics:write')
  @ApiOperation({
    summary:
      'Sets the weekly report: the previous 7 days as an attachment, e-mailed on weekday at hour (time zone) through the workspace’s e-mail provider',
  })
  @ApiOkResponse({ type: ReportScheduleView })
  @ApiProblems(400)
  async put(@Caller() caller: Principal, @Body() dto: PutReportScheduleDto): Promise<ReportScheduleView> {
    return toScheduleView(await this.schedules.put(caller.workspaceId, dto));
  }

  @Delete()
  @HttpCode(204)
  @RequireScope('analytics:write')
  @ApiOperation({ summary: 'Stops the weekly report' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  async remove(@Caller() caller: Principal): Promise<void> {
    await this.schedules.remove(caller.workspaceId);
  }
}
