import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapper';
import { problemDocument, ProblemDocument } from './problem';

const logger = new Logger('HTTP');

/** The problem+json document (and headers) any error answers `request` with. */
export function problemFor(
  request: FastifyRequest,
  err: unknown,
): { doc: ProblemDocument; headers: Record<string, string>; unexpected: boolean } {
  const mapped = mapError(err);
  const doc = problemDocument(mapped.code, mapped.detail, {
    ...(mapped.extras ?? {}),
    instance: request.url.split('?')[0],
  });
  return { doc, headers: mapped.extras?.headers ?? {}, unexpected: !!mapped.unexpected };
}

/** Writes any error as RFC 9457 problem+json; unexpected ones are logged, never shown. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const { doc, headers, unexpected } = problemFor(request, err);
  if (unexpected) {
    logger.error(
      `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}: ${String(err)}`,
      (err as Error)?.stack,
    );
  }
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
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
