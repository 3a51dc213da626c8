import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../../platform/http/id-param';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import {
  ConversationPage,
  ConversationQuery,
  ConversationView,
  MessagePage,
  ReplyAcceptedView,
  ReplyDto,
} from './conversations.dto';
import { ConversationsService } from './conversations.service';

@ApiTags('whatsapp')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @RequireScope('whatsapp:read')
  @ApiOperation({ summary: 'List conversations, newest first' })
  @ApiOkResponse({ type: ConversationPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: ConversationQuery): Promise<ConversationPage> {
    return this.conversations.list(caller, query);
  }

  @Get(':id')
  @RequireScope('whatsapp:read')
  @ApiOperation({ summary: 'A conversation, with its 24-hour window on Meta and Twilio' })
  @ApiOkResponse({ type: ConversationView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ConversationView> {
    return this.conversations.get(caller, id);
  }

  @Get(':id/messages')
  @RequireScope('whatsapp:read')
  @ApiOperation({ summary: 'Messages of a conversation, newest first; outbound ones with their status' })
  @ApiOkResponse({ type: MessagePage })
  @ApiProblems(400, 404)
  messages(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<MessagePage> {
    return this.conversations.messages(caller, id, query);
  }

  @Post(':id/messages')
  @HttpCode(202)
  @RequireScope('whatsapp:write')
  @ApiOperation({
    summary: 'Reply: {text} inside the 24-hour window (Meta, Twilio), or {template, data} at any time',
  })
  @ApiAcceptedResponse({ type: ReplyAcceptedView })
  @ApiProblems(400, 404, 415, 422)
  reply(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: ReplyDto,
  ): Promise<ReplyAcceptedView> {
    return this.conversations.reply(caller, id, dto);
  }

  @Post(':id/read')
  @HttpCode(200)
  @RequireScope('whatsapp:write')
  @ApiOperation({ summary: 'Mark the inbound messages read (Meta is told too)' })
  @ApiOkResponse({ type: ConversationView })
  @ApiProblems(404)
  read(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ConversationView> {
    return this.conversations.markRead(caller, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequireScope('whatsapp:write')
  @ApiOperation({ summary: 'Close the conversation; the next inbound message opens it again' })
  @ApiOkResponse({ type: ConversationView })
  @ApiProblems(404)
  close(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ConversationView> {
    return this.conversations.close(caller, id);
  }
}
