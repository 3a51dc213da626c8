import { ApiProblems } from '../../platform/openapi/problem-response';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { CreateUserDto, UserPage, UserView } from './operators.dto';
import { UsersService } from './users.service';

@ApiTags('operators')
@RequireScope('admin')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create an operator of the workspace' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(caller, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the operators of the workspace' })
  @ApiOkResponse({ type: UserPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<UserPage> {
    return this.users.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an operator' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<UserView> {
    return this.users.get(caller, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable an operator and end their sessions' })
  @ApiNoContentResponse({ description: 'Disabled' })
  @ApiProblems(404)
  disable(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.users.disable(caller, id);
  }
}
