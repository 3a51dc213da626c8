import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { RawBodyRequest } from '../../platform/http/body-parsers';
import { Public } from '../../platform/http/principal';
import { Bitrix24Install } from './bitrix24-install';

/** What the install placement shows: Bitrix24's JS library, then installFinish() ends the install. */
const INSTALL_FINISH_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ponte</title>
<script src="//api.bitrix24.com/api/v1/"></script></head>
<body><p>Ponte instalado.</p>
<script>BX24.init(function () { BX24.installFinish(); });</script></body></html>
`;

/**
 * The Bitrix24 application handler of a `mode: install` connection (ONAPPINSTALL, the install
 * placement, ONAPPUNINSTALL). Outside `/v1/` like `/webhooks/:slug`: Bitrix24 posts forms, and
 * `/v1/` takes JSON only; the token in the path names the connection.
 */
@ApiExcludeController()
@Public()
@Controller('bitrix24')
export class Bitrix24InstallController {
  constructor(private readonly installs: Bitrix24Install) {}

  @Post('install/:token')
  @HttpCode(200)
  async install(
    @Param('token') token: string,
    @Req() req: RawBodyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ ok: true; status: string } | string> {
    const outcome = await this.installs.handle(token, req.rawBody, req.headers['content-type']);
    if (outcome !== 'placement') return { ok: true, status: outcome === 'installed' ? 'active' : outcome };
    void reply.type('text/html; charset=utf-8');
    return INSTALL_FINISH_PAGE;
  }
}
