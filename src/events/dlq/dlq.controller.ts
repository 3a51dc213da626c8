import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { DlqEntryPage, DlqEntryView, DlqQuery, DlqRetriedView, DlqRetryDto, DlqStatsView } from './dlq.dto';
import { DlqService } from './dlq.service';

@ApiTags('dlq')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/dlq')
export class DlqController {
  constructor(private readonly dlq: DlqService) {}

  @Get()
  @RequireScope('dlq:read')
  @ApiOperation({ summary: 'Dead-lettered events, deliveries and notifications' })
  @ApiOkResponse({ type: DlqEntryPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: DlqQuery): Promise<DlqEntryPage> {
    return this.dlq.list(caller, query);
  }

  @Get('stats')
  @RequireScope('dlq:read')
  @ApiOperation({ summary: 'Size of the DLQ by kind' })
  @ApiOkResponse({ type: DlqStatsView })
  stats(@Caller() caller: Principal): Promise<DlqStatsView> {
    return this.dlq.stats(caller);
  }

  @Post('retry')
  @HttpCode(202)
  @RequireScope('dlq:write')
  @ApiOperation({ summary: 'Retry the open entries matching a filter (at most 1000)' })
  @ApiAcceptedResponse({ type: DlqRetriedView })
  @ApiProblems(400, 415)
  retryMany(@Caller() caller: Principal, @Body() dto: DlqRetryDto): Promise<DlqRetriedView> {
    return this.dlq.retryMany(caller, dto.filter);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequireScope('dlq:write')
  @ApiOperation({ summary: 'Give the entry another attempt (the entry stays, marked retried)' })
  @ApiAcceptedResponse({ type: DlqEntryView })
  @ApiProblems(404, 422)
  retry(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<DlqEntryView> {
    return this.dlq.retry(caller, id);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @RequireScope('dlq:write')
  @ApiOperation({ summary: 'Archive the entry (kept, hidden from the open list)' })
  @ApiOkResponse({ type: DlqEntryView })
  @ApiProblems(404)
  archive(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<DlqEntryView> {
    return this.dlq.archive(caller, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('dlq:write')
  @ApiOperation({ summary: 'Delete the entry' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.dlq.remove(caller, id);
  }
}
