import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { registerBodyParsers } from './body-parsers';
import { sendProblem } from './problem.filter';
import { ProblemException } from './problem';
import { acceptsStreamedUpload, registerStreamedParsers } from './streamed-body';
import { registerTextGuard } from './text-guard';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const OPERATIONS = /^\/(health|metrics)(\/|\?|$)/;

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Fastify as Nest's HTTP layer: body cap, Ponte's parsers, problem+json for Fastify's own errors,
 * JSON-only API routes, and a worker role that serves only health and metrics.
 */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimit,
    // X-Forwarded-For is anyone's to write: believed only from the proxies named in TRUSTED_PROXIES,
    // else request.ip (login throttling, the audit log) would be whatever the client claims.
    trustProxy: config.http.trustedProxies.length > 0 ? config.http.trustedProxies : false,
    logger: false,
    genReqId: () => uuidv7(),
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // A path Fastify cannot route (bad percent-encoding, an overlong id) is problem+json too.
    frameworkErrors: (err: Error, request: FastifyRequest, reply: FastifyReply) => {
      sendProblem(request, reply, err);
    },
  });
  const fastify = adapter.getInstance();
  registerBodyParsers(fastify, config.http);
  registerStreamedParsers(fastify);
  registerTextGuard(fastify);

  // Fastify's own errors (parsing, size) reach the global ProblemFilter through the error handler
  // Nest installs on init.
  // Callback style (an answered request does not call done): no promise per request.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (!config.isApi && !OPERATIONS.test(request.url)) {
      sendProblem(request, reply, new ProblemException('NOT_FOUND', 'This instance runs workers only'));
      return;
    }
    if (request.url.startsWith('/v1/') && BODY_METHODS.has(request.method) && hasBody(request)) {
      const type = request.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type) && !acceptsStreamedUpload(request.url, type)) {
        sendProblem(request, reply, new ProblemException('UNSUPPORTED_MEDIA_TYPE', 'Send application/json'));
        return;
      }
    }
    void reply.header('x-request-id', request.id);
    done();
  });
  return adapter;
}
