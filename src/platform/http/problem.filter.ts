import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapper';
import { problemDocument } from './problem';

const logger = new Logger('HTTP');

/** Writes any error as RFC 9457 problem+json; unexpected ones are logged, never shown. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const mapped = mapError(err);
  if (mapped.unexpected) {
    logger.error(
      `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}: ${String(err)}`,
      (err as Error)?.stack,
    );
  }
  const doc = problemDocument(mapped.code, mapped.detail, {
    ...(mapped.extras ?? {}),
    instance: request.url.split('?')[0],
  });
  for (const [name, value] of Object.entries(mapped.extras?.headers ?? {})) void reply.header(name, value);
  return reply.status(doc.status).type('application/problem+json').send(doc);
}

/** The one exception filter: domain, Nest and driver errors end here. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    if (reply.sent) return;
    sendProblem(ctx.getRequest<FastifyRequest>(), reply, exception);
  }
}
