import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RawBodyRequest } from '../../platform/http/body-parsers';
import { sendProblem } from '../../platform/http/problem.filter';
import { InboundRequest } from '../verification/inbound-request';
import { IngestService } from './ingest.service';

interface SlugRoute {
  Params: { slug: string };
  Querystring: Record<string, string>;
}

/**
 * `POST /webhooks/:slug` (and Meta's `GET` handshake) as plain Fastify routes: a webhook needs
 * none of Nest's request chain (the gateway guard lets it through unauthenticated, there is no DTO,
 * no interceptor) nor helmet's browser headers on an answer read by a provider's server. Fastify's
 * own hooks still run: body parsers and limit, the text guard on path and query, maintenance mode,
 * request id and the HTTP metrics. Every error, Fastify's or the service's, answers problem+json.
 */
export function registerWebhookRoutes(fastify: FastifyInstance, ingest: IngestService): void {
  const errorHandler = (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    void sendProblem(request, reply, err);
  };

  fastify.post<SlugRoute>(
    '/webhooks/:slug',
    { config: { securityHeaders: false }, errorHandler },
    async (req, reply) => {
      const inbound: InboundRequest = {
        method: 'POST',
        url: req.url,
        headers: req.headers,
        query: req.query,
        rawBody: (req as RawBodyRequest).rawBody ?? Buffer.alloc(0),
        contentType: (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
      };
      const result = await ingest.receive(req.params.slug, inbound, req.body);
      if (result.acknowledgement)
        return reply.type(result.acknowledgement.contentType).send(result.acknowledgement.body);
      return result.duplicate ? { received: true, duplicate: true } : { received: true };
    },
  );

  /** Meta's subscription handshake: echo `hub.challenge` as text when the verify token matches. */
  fastify.get<SlugRoute>(
    '/webhooks/:slug',
    { config: { securityHeaders: false }, errorHandler },
    async (req, reply) => {
      const challenge = await ingest.handshake(req.params.slug, req.query);
      return reply.type('text/plain').send(challenge);
    },
  );
}
