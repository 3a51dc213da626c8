import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/**
 * Uploads too large for the JSON body cap (a 100,000-row CSV) reach their route as a stream: the
 * route reads `StreamedBody.stream` chunk by chunk and enforces its own size limit. Only paths a
 * module declared with `acceptStreamedUploads` take these content types; every other `/v1/` route
 * still answers 415 to anything but JSON.
 */
export const STREAMED_TYPES = /^(text\/csv|multipart\/form-data)\s*(;|$)/i;
const STREAMED = Symbol('ponte:streamed-body');

export interface StreamedBody {
  [STREAMED]: true;
  contentType: string;
  stream: Readable;
}

const paths: RegExp[] = [];

/** Declares a route path (matched against the URL without the query) that accepts CSV and multipart. */
export function acceptStreamedUploads(path: RegExp): void {
  paths.push(path);
}

export function acceptsStreamedUpload(url: string, contentType: string): boolean {
  const path = url.split('?')[0];
  return STREAMED_TYPES.test(contentType) && paths.some((p) => p.test(path));
}

export function isStreamedBody(body: unknown): body is StreamedBody {
  return typeof body === 'object' && body !== null && (body as Record<symbol, unknown>)[STREAMED] === true;
}

/** The parsers: no buffering, the raw request stream handed over (symbol key: nothing to walk). */
export function registerStreamedParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(['text/csv', 'multipart/form-data'], (req, payload, done) => {
    // Non-enumerable: the text guard (and anything else walking bodies) must not walk a socket.
    const body = Object.defineProperties({} as StreamedBody, {
      [STREAMED]: { value: true },
      contentType: { value: req.headers['content-type'] ?? '' },
      stream: { value: payload },
    });
    done(null, body);
  });
}
