import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ImportAcceptedView, ImportView } from '../imports/imports.dto';
import { ImportsService } from '../imports/imports.service';
import {
  CreateDebtDto,
  DebtorPage,
  DebtorView,
  DebtPage,
  DebtQuery,
  DebtWithDebtorView,
  UpdateDebtDto,
} from './debts.dto';
import { DebtsService } from './debts.service';

@ApiTags('collections')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/collections')
export class DebtsController {
  constructor(
    private readonly debts: DebtsService,
    private readonly imports: ImportsService,
  ) {}

  @Post('debtors/import')
  @HttpCode(202)
  @RequireScope('collections:write')
  @ApiOperation({
    summary:
      'Import debtors and debts: JSON rows, a text/csv body or a multipart file (streamed, up to 100,000 rows)',
    description:
      'Columns/fields: externalId, name, document (CPF or CNPJ), phone, amountCents (or amount in reais, "1.234,56"), ' +
      'dueDate (YYYY-MM-DD or DD/MM/YYYY), description, boletoLine; Portuguese names (nome, cpf_cnpj, telefone, valor, ' +
      'vencimento, linha_digitavel) too. Debts are upserted by externalId, debtors by document. Answers the import id ' +
      'once the upload is stored; rows are processed by a worker.',
  })
  @ApiConsumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: { type: 'object' } },
        { type: 'string', format: 'binary' },
      ],
    },
  })
  @ApiAcceptedResponse({ type: ImportAcceptedView })
  @ApiProblems(400, 413, 415)
  startImport(@Caller() caller: Principal, @Req() req: FastifyRequest): Promise<ImportAcceptedView> {
    return this.imports.start(caller, req.body);
  }

  @Get('imports/:id')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'An import: progress, counts and the rejected rows with field and reason' })
  @ApiOkResponse({ type: ImportView })
  @ApiProblems(404)
  getImport(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ImportView> {
    return this.imports.get(caller, id);
  }

  @Post('debts')
  @Idempotent()
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Create a debt (and its debtor); the same externalId again updates it' })
  @ApiCreatedResponse({ type: DebtWithDebtorView })
  @ApiOkResponse({ type: DebtWithDebtorView, description: 'An existing debt was updated' })
  @ApiProblems(400, 415, 422)
  async create(
    @Caller() caller: Principal,
    @Body() dto: CreateDebtDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DebtWithDebtorView> {
    const { debt, created } = await this.debts.create(caller, dto);
    void reply.status(created ? 201 : 200);
    return debt;
  }

  @Get('debts')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'List debts, newest first, by status, debtor, external id or due date' })
  @ApiOkResponse({ type: DebtPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: DebtQuery): Promise<DebtPage> {
    return this.debts.list(caller, query);
  }

  @Get('debts/:id')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'A debt with its debtor' })
  @ApiOkResponse({ type: DebtWithDebtorView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<DebtWithDebtorView> {
    return this.debts.get(caller, id);
  }

  @Patch('debts/:id')
  @RequireScope('collections:write')
  @ApiOperation({
    summary: 'Change a debt: amount, due date, description or status (publishes collections.debt.<status>)',
  })
  @ApiOkResponse({ type: DebtWithDebtorView })
  @ApiProblems(400, 404, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateDebtDto,
  ): Promise<DebtWithDebtorView> {
    return this.debts.update(caller, id, dto);
  }

  @Post('debts/:id/release')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({
    summary:
      'Give a handed-over debt back to the assistant (a disputed one reopens); publishes collections.debt.released',
  })
  @ApiOkResponse({ type: DebtWithDebtorView })
  @ApiProblems(404, 409)
  release(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<DebtWithDebtorView> {
    return this.debts.release(caller, id);
  }

  @Delete('debts/:id')
  @HttpCode(204)
  @RequireScope('collections:write')
  @ApiOperation({ summary: 'Delete a debt' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.debts.remove(caller, id);
  }

  @Get('debtors')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'List debtors, newest first' })
  @ApiOkResponse({ type: DebtorPage })
  @ApiProblems(400)
  listDebtors(@Caller() caller: Principal, @Query() query: PageQuery): Promise<DebtorPage> {
    return this.debts.listDebtors(caller, query);
  }

  @Get('debtors/:id')
  @RequireScope('collections:read')
  @ApiOperation({ summary: 'A debtor (CPF/CNPJ masked)' })
  @ApiOkResponse({ type: DebtorView })
  @ApiProblems(404)
  getDebtor(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<DebtorView> {
    return this.debts.getDebtor(caller, id);
  }
}
