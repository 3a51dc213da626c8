import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { BulkNotificationsDto, NotificationQuery, SendNotificationDto } from './notifications.dto';
import { NotificationsService } from './notifications.service';
import {
  BulkResultView,
  NotificationAcceptedView,
  NotificationPage,
  NotificationView,
} from './notification-views';

@ApiTags('notifications')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @RequireScope('notifications:write')
  @ApiOperation({
    summary: 'Send a notification: stored, then sent by a worker on the first channel that works',
  })
  @ApiAcceptedResponse({ type: NotificationAcceptedView })
  @ApiProblems(400, 409, 415, 422)
  send(@Caller() caller: Principal, @Body() dto: SendNotificationDto): Promise<NotificationAcceptedView> {
    return this.notifications.send(caller, dto);
  }

  @Post('bulk')
  @HttpCode(202)
  @Idempotent()
  @RequireScope('notifications:write')
  @ApiOperation({ summary: 'Send up to 1,000 notifications; each item is accepted or refused on its own' })
  @ApiAcceptedResponse({ type: BulkResultView })
  @ApiProblems(400, 409, 413, 415, 422)
  sendBulk(@Caller() caller: Principal, @Body() dto: BulkNotificationsDto): Promise<BulkResultView> {
    return this.notifications.sendBulk(caller, dto);
  }

  @Get()
  @RequireScope('notifications:read')
  @ApiOperation({ summary: 'List notifications, newest first' })
  @ApiOkResponse({ type: NotificationPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: NotificationQuery): Promise<NotificationPage> {
    return this.notifications.list(caller, query);
  }

  @Get(':id')
  @RequireScope('notifications:read')
  @ApiOperation({ summary: 'A notification with its timeline of statuses and every provider call' })
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<NotificationView> {
    return this.notifications.get(caller, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('notifications:write')
  @ApiOperation({ summary: 'Cancel a notification no provider has been asked to send yet' })
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(404, 409)
  cancel(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<NotificationView> {
    return this.notifications.cancel(caller, id);
  }
}
