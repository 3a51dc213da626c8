import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { ProblemException } from './problem';

/** The raw bytes of the body, kept for signature checks (JSON and form bodies alike). */
export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

/** Nesting depth of a JSON text, counted on the bytes before parsing so deep input costs nothing. */
export function jsonDepthExceeds(buf: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const malformed = (detail: string) => new ProblemException('MALFORMED_BODY', detail);

export function parseJsonBody(buf: Buffer, maxDepth: number): unknown {
  if (buf.length === 0) return undefined;
  if (!isUtf8(buf)) throw malformed('The body is not valid UTF-8');
  if (jsonDepthExceeds(buf, maxDepth)) throw malformed(`JSON nested deeper than ${maxDepth} levels`);
  try {
    return sjson.parse(buf.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw malformed('The body is not valid JSON');
  }
}

/** Flat form parsing (Twilio); repeated keys become arrays. Bracket syntax is left to its caller. */
export function parseFormBody(buf: Buffer): Record<string, string | string[]> {
  if (!isUtf8(buf)) throw malformed('The body is not valid UTF-8');
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(buf.toString('utf8'))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Replaces Fastify's parsers: JSON and form only, raw bytes kept on `request.rawBody`. */
export function registerBodyParsers(
  fastify: FastifyInstance,
  opts: { bodyLimit: number; maxJsonDepth: number },
): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit: opts.bodyLimit },
    (req, body: Buffer, done) => {
      (req as RawBodyRequest).rawBody = body;
      try {
        done(null, parseJsonBody(body, opts.maxJsonDepth));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: opts.bodyLimit },
    (req, body: Buffer, done) => {
      (req as RawBodyRequest).rawBody = body;
      try {
        done(null, parseFormBody(body));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
