import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../platform/http/id-param';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import { Caller, Principal, RequireScope } from '../platform/http/principal';
import { ApiProblems } from '../platform/openapi/problem-response';
import {
  AppointmentPage,
  AppointmentQuery,
  AppointmentView,
  CreateAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { AppointmentsService } from './appointments.service';

@ApiTags('calendar')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Post()
  @Idempotent()
  @RequireScope('appointments:write')
  @ApiOperation({
    summary:
      'Book: mirrored in Google when a calendar is connected; emits appointment.scheduled; 409 CALENDAR_CONFLICT',
  })
  @ApiCreatedResponse({ type: AppointmentView })
  @ApiProblems(400, 404, 409, 415)
  create(@Caller() caller: Principal, @Body() dto: CreateAppointmentDto): Promise<AppointmentView> {
    return this.appointments.create(caller.workspaceId, dto);
  }

  @Get()
  @RequireScope('appointments:read')
  @ApiOperation({ summary: 'Appointments by day, contact and status, newest first' })
  @ApiOkResponse({ type: AppointmentPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: AppointmentQuery): Promise<AppointmentPage> {
    return this.appointments.list(caller.workspaceId, query);
  }

  @Get(':id')
  @RequireScope('appointments:read')
  @ApiOperation({ summary: 'An appointment' })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AppointmentView> {
    return this.appointments.get(caller.workspaceId, id);
  }

  @Patch(':id')
  @RequireScope('appointments:write')
  @ApiOperation({
    summary: 'Change or reschedule (a new startsAt emits appointment.rescheduled: the reminders move)',
  })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(400, 404, 409, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateAppointmentDto,
  ): Promise<AppointmentView> {
    return this.appointments.reschedule(caller.workspaceId, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('appointments:write')
  @ApiOperation({
    summary:
      'Cancel: the Google event is deleted and the reminders stop (appointment.cancelled); 409 APPOINTMENT_STATUS_INVALID',
  })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(404, 409)
  cancel(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AppointmentView> {
    return this.appointments.transition(caller.workspaceId, id, 'cancel');
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @RequireScope('appointments:write')
  @ApiOperation({ summary: 'Confirm (appointment.confirmed); 409 APPOINTMENT_STATUS_INVALID' })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(404, 409)
  confirm(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AppointmentView> {
    return this.appointments.transition(caller.workspaceId, id, 'confirm');
  }

  @Post(':id/complete')
  @HttpCode(200)
  @RequireScope('appointments:write')
  @ApiOperation({
    summary:
      'Complete: emits appointment.completed and service.completed (the feedback workflow runs); 409 APPOINTMENT_STATUS_INVALID',
  })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(404, 409)
  complete(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AppointmentView> {
    return this.appointments.transition(caller.workspaceId, id, 'complete');
  }

  @Post(':id/no-show')
  @HttpCode(200)
  @RequireScope('appointments:write')
  @ApiOperation({ summary: 'The client did not come (appointment.no_show); 409 APPOINTMENT_STATUS_INVALID' })
  @ApiOkResponse({ type: AppointmentView })
  @ApiProblems(404, 409)
  noShow(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<AppointmentView> {
    return this.appointments.transition(caller.workspaceId, id, 'no-show');
  }
}
