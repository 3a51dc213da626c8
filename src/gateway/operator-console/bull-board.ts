import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../platform/http/problem.filter';
import { ProblemException } from '../../platform/http/problem';
import { basicChallenge, parseBasicAuth } from './basic-auth';

export const BULL_BOARD_PATH = '/admin/queues';
export const OPERATOR_REALM = 'Ponte operators';

/**
 * Brute-force brake on the Basic credentials, per client address. Only refused attempts count,
 * since the board polls its API every few seconds with good ones.
 */
export interface SignInThrottle {
  /** Seconds to wait when `ip` may not try now, else undefined (looks, does not count). */
  blocked: (ip: string) => Promise<number | undefined>;
  /** Counts a refused attempt; seconds to wait when that was one too many. */
  refused: (ip: string) => Promise<number | undefined>;
}

export interface BullBoardOptions {
  /** Every queue the board shows, every tenant's jobs: operators may retry, promote and clean them. */
  queues: Queue[];
  /** Where the board lives; default `/admin/queues`. */
  basePath?: string;
  /** True when these Basic credentials belong to a platform operator (`platform:admin`). */
  verify: (username: string, password: string) => Promise<boolean>;
  throttle?: SignInThrottle;
  realm?: string;
}

/**
 * The board's page links Google Fonts: a browser on an operator's machine would tell Google who
 * opens it, and one without internet waits on it. The link goes; the UI falls back to the system's
 * sans-serif and monospace fonts (its CSS names them after IBM Plex). The policy keeps it so.
 */
const EXTERNAL_FONTS = /<link[^>]+href="https:\/\/fonts\.(googleapis|gstatic)\.com[^>]*>\s*/g;
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Mounts Bull Board on Ponte's Fastify instance behind HTTP Basic auth. Call it before
 * `app.init()`: Nest makes the instance ready at init, and Fastify takes no plugin after that.
 *
 * Bull Board's Nest module guards with Express middleware, which Nest does not run for routes it
 * does not own under Fastify; so the guard is an `onRequest` hook of an encapsulated plugin that
 * wraps the board, and every route the board registers (page, static files, JSON API) inherits it.
 */
export async function registerBullBoard(fastify: FastifyInstance, opts: BullBoardOptions): Promise<void> {
  const basePath = normaliseBasePath(opts.basePath ?? BULL_BOARD_PATH);
  const challenge = basicChallenge(opts.realm ?? OPERATOR_REALM);

  const serverAdapter = new FastifyAdapter();
  // The page's <base href> and the UI's API calls are built from this path.
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: opts.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Ponte queues' } },
  });

  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', (request, reply) => authenticate(request, reply, opts, challenge));
      scope.addHook('onSend', async (_request, reply, payload) => {
        void reply.header('content-security-policy', BOARD_CSP);
        const html =
          typeof payload === 'string' && /^text\/html/.test(String(reply.getHeader('content-type')));
        return html ? payload.replace(EXTERNAL_FONTS, '') : payload;
      });
      // Unknown paths under the board answer 404 only to operators: no probing of what exists.
      scope.setNotFoundHandler((request, reply) =>
        sendProblem(request, reply, new ProblemException('NOT_FOUND', 'No such page of the queue board')),
      );
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: basePath },
  );
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: BullBoardOptions,
  challenge: string,
): Promise<FastifyReply | undefined> {
  const credentials = parseBasicAuth(request.headers.authorization);
  let accepted = false;
  if (credentials) {
    try {
      const wait = await opts.throttle?.blocked(request.ip);
      if (wait !== undefined) return tooMany(request, reply, wait);
      accepted = await opts.verify(credentials.username, credentials.password);
      if (!accepted) {
        const refusedWait = await opts.throttle?.refused(request.ip);
        if (refusedWait !== undefined) return tooMany(request, reply, refusedWait);
      }
    } catch (err) {
      // A dependency down is 503 through the usual mapping; Bull Board's own error handler would
      // echo the raw message instead.
      return sendProblem(request, reply, err);
    }
  }
  if (accepted) return undefined;
  const detail = credentials
    ? 'The credentials were not accepted: the board is for platform operators'
    : 'Sign in with any username and an API key holding platform:admin as the password';
  return sendProblem(
    request,
    reply,
    new ProblemException('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': challenge } }),
  );
}

function tooMany(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return sendProblem(
    request,
    reply,
    new ProblemException('RATE_LIMITED', 'Too many refused sign-ins from this address; try again later', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  );
}

function normaliseBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (!/^(\/[\w.~-]+)+$/.test(trimmed)) throw new Error(`Bull Board base path "${path}" is not a plain path`);
  return trimmed;
}
