import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../platform/http/problem';
import {
  ApiAcceptedResponse,
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
import { BackupRestore } from './backup-restore.service';
import { BackupValidation } from './backup-validation';
import { BackupPage, BackupView, RestoreBackupDto, RestoreReportView, toView } from './backups.dto';
import { BackupsService } from './backups.service';

/**
 * A POST that takes nothing: no body at all, or an empty JSON object. A JSON content type with an
 * empty body is not JSON (400 MALFORMED_BODY); anything else in the body is refused (400).
 */
const NoBody = createParamDecorator((_: unknown, ctx: ExecutionContext): undefined => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const body = request.body;
  if (body === undefined && !request.headers['content-type']) return undefined;
  if (body === undefined)
    throw new ProblemException('MALFORMED_BODY', 'An empty body is not JSON: send {} or nothing');
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0)
    throw new ProblemException('VALIDATION_FAILED', 'This request takes no body (or {})', {
      errors: [{ field: '', message: 'the body must be empty or {}' }],
    });
  return undefined;
});

/** Backups of Ponte's database: platform operators only (a backup holds every tenant's data). */
@ApiTags('backups')
@RequireScope('platform:admin')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/backups')
export class BackupsController {
  constructor(
    private readonly backups: BackupsService,
    private readonly validation: BackupValidation,
    private readonly restorer: BackupRestore,
  ) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary: 'Take a backup now (pg_dump, encrypted, into BACKUP_DIR); answers the row `running`',
  })
  @ApiAcceptedResponse({ type: BackupView })
  async create(@Caller() caller: Principal, @NoBody() _body: undefined): Promise<BackupView> {
    return toView(await this.backups.start('manual', caller.workspaceId));
  }

  @Get()
  @ApiOperation({ summary: 'List backups, newest first' })
  @ApiOkResponse({ type: BackupPage })
  @ApiProblems(400)
  async list(@Query() query: PageQuery): Promise<BackupPage> {
    const page = await this.backups.list(query);
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A backup with its sizes, checksum, versions, row counts and last validation' })
  @ApiOkResponse({ type: BackupView })
  @ApiProblems(404)
  async get(@Param('id', IdPipe) id: string): Promise<BackupView> {
    return toView(await this.backups.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a backup (file and row); refused while it is written or validated' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404, 409)
  async delete(@Param('id', IdPipe) id: string): Promise<void> {
    await this.backups.delete(id);
  }

  @Post(':id/validate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Prove a backup: checksum, decrypt, pg_restore into a scratch database, compare row counts',
    description:
      'Runs as a job; the backup becomes `validated` or `invalid` with the failing step and reason in `validation`.',
  })
  @ApiAcceptedResponse({ type: BackupView })
  @ApiProblems(404, 409)
  async validate(@Param('id', IdPipe) id: string): Promise<BackupView> {
    return toView(await this.validation.request(id));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the live database with this backup (maintenance mode meanwhile)',
    description:
      'Every instance answers 503 MAINTENANCE with Retry-After (webhooks too, so providers re-send them) and pauses its workers; the database is restored, migrated forward, and the queues and timers are offered again from PostgreSQL. Answers when Ponte is back.',
  })
  @ApiOkResponse({ type: RestoreReportView })
  @ApiProblems(400, 404, 409, 415, 422)
  restore(@Param('id', IdPipe) id: string, @Body() dto: RestoreBackupDto): Promise<RestoreReportView> {
    return this.restorer.restore(id, dto.confirm);
  }
}
