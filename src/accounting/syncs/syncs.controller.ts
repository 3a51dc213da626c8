import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ConflictsService } from './conflicts.service';
import { SyncRecords } from './sync-records.service';
import {
  ConflictPage,
  ConflictQuery,
  ConflictView,
  ResolveConflictDto,
  ResolvedView,
  SyncPage,
  SyncQuery,
  SyncView,
} from './syncs.dto';

@ApiTags('accounting')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/accounting')
export class SyncsController {
  constructor(
    private readonly syncs: SyncRecords,
    private readonly conflicts: ConflictsService,
  ) {}

  @Get('syncs')
  @RequireScope('accounting:read')
  @ApiOperation({ summary: 'Sync records: every entity synced, with its status, versions and attempts' })
  @ApiOkResponse({ type: SyncPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() q: SyncQuery): Promise<SyncPage> {
    return this.syncs.list(caller, q);
  }

  @Get('syncs/:id')
  @RequireScope('accounting:read')
  @ApiOperation({ summary: 'One sync record' })
  @ApiOkResponse({ type: SyncView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SyncView> {
    return this.syncs.get(caller, id);
  }

  @Post('syncs/:id/retry')
  @HttpCode(200)
  @RequireScope('accounting:write')
  @ApiOperation({ summary: 'Start a failed sync over from its first attempt' })
  @ApiOkResponse({ type: SyncView })
  @ApiProblems(404, 409)
  retry(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SyncView> {
    return this.syncs.retry(caller, id);
  }

  @Get('conflicts')
  @RequireScope('accounting:read')
  @ApiOperation({
    summary: 'Conflicts: both sides changed since the last sync; both versions and the field diff',
  })
  @ApiOkResponse({ type: ConflictPage })
  @ApiProblems(400)
  conflictList(@Caller() caller: Principal, @Query() q: ConflictQuery): Promise<ConflictPage> {
    return this.conflicts.list(caller, q);
  }

  @Get('conflicts/:id')
  @RequireScope('accounting:read')
  @ApiOperation({ summary: 'One conflict' })
  @ApiOkResponse({ type: ConflictView })
  @ApiProblems(404)
  conflict(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ConflictView> {
    return this.conflicts.get(caller, id);
  }

  @Post('conflicts/:id/resolve')
  @HttpCode(200)
  @RequireScope('accounting:write')
  @ApiOperation({
    summary: 'Decide a conflict: keep local (written once), remote (nothing written) or a merge',
  })
  @ApiOkResponse({ type: ResolvedView })
  @ApiProblems(400, 404, 409, 415)
  resolve(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: ResolveConflictDto,
  ): Promise<ResolvedView> {
    return this.conflicts.resolve(caller, id, dto);
  }
}
