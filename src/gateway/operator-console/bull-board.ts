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

export interface BullBoardOptions {
  /** Every queue the board shows; operators may retry, promote and clean jobs. */
  queues: Queue[];
  /** Where the board lives; default `/admin/queues`. */
  basePath?: string;
  /** True when these Basic credentials belong to an operator (or carry an admin API key). */
  verify: (username: string, password: string) => Promise<boolean>;
  realm?: string;
}

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
      scope.addHook('onRequest', (request, reply) => authenticate(request, reply, opts.verify, challenge));
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
  verify: BullBoardOptions['verify'],
  challenge: string,
): Promise<FastifyReply | undefined> {
  const credentials = parseBasicAuth(request.headers.authorization);
  let accepted = false;
  if (credentials) {
    try {
      accepted = await verify(credentials.username, credentials.password);
    } catch (err) {
      // A dependency down is 503 through the usual mapping; Bull Board's own error handler would
      // echo the raw message instead.
      return sendProblem(request, reply, err);
    }
  }
  if (accepted) return undefined;
  const detail = credentials
    ? 'The operator credentials were not accepted'
    : 'Sign in with an operator e-mail and password, or any username and an admin API key';
  return sendProblem(
    request,
    reply,
    new ProblemException('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': challenge } }),
  );
}

function normaliseBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (!/^(\/[\w.~-]+)+$/.test(trimmed)) throw new Error(`Bull Board base path "${path}" is not a plain path`);
  return trimmed;
}
