import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdPipe } from '../../platform/http/id-param';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ProviderSessionsService } from './provider-sessions.service';
import { SessionView } from './sessions.dto';

/** WhatsApp Web sessions of WAHA and Z-API providers: pair by QR, watch, stop. */
@ApiTags('providers')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/providers')
export class SessionsController {
  constructor(private readonly sessions: ProviderSessionsService) {}

  @Post(':id/session/start')
  @HttpCode(200)
  @RequireScope('providers:write')
  @ApiOperation({ summary: "Start the provider's WhatsApp Web session (WAHA start, Z-API restart)" })
  @ApiOkResponse({ type: SessionView })
  @ApiProblems(404, 422, 502)
  start(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SessionView> {
    return this.sessions.start(caller, id);
  }

  @Post(':id/session/stop')
  @HttpCode(200)
  @RequireScope('providers:write')
  @ApiOperation({ summary: "Stop the provider's WhatsApp Web session (WAHA stop, Z-API disconnect)" })
  @ApiOkResponse({ type: SessionView })
  @ApiProblems(404, 422, 502)
  stop(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SessionView> {
    return this.sessions.stop(caller, id);
  }

  @Get(':id/session')
  @RequireScope('providers:read')
  @ApiOperation({ summary: "The session's status, read from the provider now" })
  @ApiOkResponse({ type: SessionView })
  @ApiProblems(404, 422, 502)
  status(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<SessionView> {
    return this.sessions.status(caller, id);
  }

  @Get(':id/session/qr')
  @RequireScope('providers:read')
  @ApiOperation({ summary: 'The QR code to scan with WhatsApp, as PNG (409 when there is none now)' })
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'The QR code',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems(404, 409, 422, 502)
  async qr(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const png = await this.sessions.qr(caller, id);
    void reply.header('content-type', 'image/png').header('cache-control', 'no-store');
    return png;
  }
}
