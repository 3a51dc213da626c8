import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify, { FastifyInstance } from 'fastify';
import IORedis from 'ioredis';
import { registerBullBoard } from '../../src/gateway/operator-console/bull-board';
import { registerBodyParsers } from '../../src/platform/http/body-parsers';
import { ALL_QUEUES } from '../../src/platform/queue/queue.registry';
import { deleteQueueKeys, TEST_REDIS_URL } from '../support/test-app';

export const OPERATOR = { username: 'ops@ponte.test', password: 'correct horse: battery staple' };

export interface BareBoard {
  fastify: FastifyInstance;
  queues: Queue[];
  prefix: string;
  /** How many times `verify` was called, and with what. */
  verifyCalls: Array<[string, string]>;
  close: () => Promise<void>;
}

/**
 * Fastify as Ponte configures it where the board cares (its own body parsers, trailing slashes
 * ignored), the board on real BullMQ queues under a private prefix, and a stub `verify`.
 */
export async function startBareBoard(): Promise<BareBoard> {
  const prefix = `ponte-board-${randomBytes(4).toString('hex')}`;
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const queues = ALL_QUEUES.map((name) => new Queue(name, { connection, prefix }));
  for (const queue of queues) queue.on('error', () => undefined);

  const fastify = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  registerBodyParsers(fastify, { bodyLimit: 1024 * 1024, maxJsonDepth: 32 });
  const verifyCalls: Array<[string, string]> = [];
  await registerBullBoard(fastify, {
    queues,
    verify: async (username, password) => {
      verifyCalls.push([username, password]);
      return username === OPERATOR.username && password === OPERATOR.password;
    },
  });
  await fastify.ready();

  return {
    fastify,
    queues,
    prefix,
    verifyCalls,
    close: async () => {
      await fastify.close();
      await Promise.all(queues.map((q) => q.close()));
      await connection.quit();
      await deleteQueueKeys(TEST_REDIS_URL, prefix);
    },
  };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
