import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RawBodyRequest } from '../../platform/http/body-parsers';
import { Public } from '../../platform/http/principal';
import { InboundRequest } from '../verification/inbound-request';
import { IngestService } from './ingest.service';

/** Providers and business systems post here; each source verifies its own way. */
@ApiExcludeController()
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly ingest: IngestService) {}

  @Post(':slug')
  @HttpCode(200)
  async receive(
    @Param('slug') slug: string,
    @Req() req: RawBodyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const inbound: InboundRequest = {
      method: 'POST',
      url: req.url,
      headers: req.headers,
      query: req.query as InboundRequest['query'],
      rawBody: req.rawBody ?? Buffer.alloc(0),
      contentType: (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
    };
    const result = await this.ingest.receive(slug, inbound, req.body);
    if (result.acknowledgement) {
      void reply.type(result.acknowledgement.contentType);
      return result.acknowledgement.body;
    }
    return result.duplicate ? { received: true, duplicate: true } : { received: true };
  }

  /** Meta's subscription handshake: echo `hub.challenge` as text when the verify token matches. */
  @Get(':slug')
  async handshake(
    @Param('slug') slug: string,
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const challenge = await this.ingest.handshake(slug, query);
    void reply.type('text/plain');
    return challenge;
  }
}
