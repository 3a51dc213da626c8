import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';
import { findUnstorableText } from './storable-text';

/** Provider webhooks are cleaned, never refused, for their text (see IngestService). */
const CLEANED_BODIES = /^\/webhooks\//;

/**
 * One check for every route instead of one per DTO field: a NUL character or an unpaired
 * surrogate anywhere in the path, query or JSON body answers 400 VALIDATION_FAILED naming the
 * field, before any of it can reach PostgreSQL (which refuses both).
 */
export function registerTextGuard(fastify: FastifyInstance): void {
  // Callback style (an answered request does not call done): no promise per request.
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done) => {
    const found =
      prefixed('path', findUnstorableText(request.params)) ??
      prefixed('query', findUnstorableText(request.query)) ??
      (CLEANED_BODIES.test(request.url) ? undefined : findUnstorableText(request.body));
    if (found === undefined) return done();
    sendProblem(
      request,
      reply,
      new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: found, message: 'must not contain NUL characters or unpaired surrogates' }],
      }),
    );
  });
}

/** `path.id`, `query.email`: params and query are objects, so a field is always named. */
const prefixed = (where: string, field: string | undefined) =>
  field === undefined ? undefined : `${where}.${field}`;
