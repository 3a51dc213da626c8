import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/config';
import { problemDocument } from './http/problem';
import { RedisConnections } from './queue/redis.connections';

/** What every instance reads while a restore runs (a Redis key of the deployment's queue prefix). */
export interface MaintenanceInfo {
  reason: string;
  since: string;
  /** What 503 answers put in `Retry-After` (webhook senders retry then). */
  retryAfterSeconds: number;
}

export const maintenanceKey = (queuePrefix: string) => `${queuePrefix}:maintenance`;

/** Sets the flag unless another restore holds it; it lapses after `ttlMs` unless refreshed. */
export async function enterMaintenance(
  redis: IORedis,
  queuePrefix: string,
  info: MaintenanceInfo,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(maintenanceKey(queuePrefix), JSON.stringify(info), 'PX', ttlMs, 'NX')) === 'OK';
}

export async function refreshMaintenance(redis: IORedis, queuePrefix: string, ttlMs: number): Promise<void> {
  await redis.pexpire(maintenanceKey(queuePrefix), ttlMs);
}

export async function exitMaintenance(redis: IORedis, queuePrefix: string): Promise<void> {
  await redis.del(maintenanceKey(queuePrefix));
}

const POLL_MS = 500;
/** Always answered, maintenance or not: orchestrators and Prometheus must see what is going on. */
const OPEN_PATHS = /^\/(health(\/.*)?|metrics)$/;

/**
 * Maintenance mode (a database restore): every instance polls the flag and, while it is set,
 * answers readiness 503, pauses its workers (WorkerGate), and answers every other request —
 * webhooks included — 503 `MAINTENANCE` with `Retry-After`, so providers send them again later.
 * The instance running the restore also holds the flag locally, so it never depends on a poll.
 */
@Injectable()
export class MaintenanceMode implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private shared?: MaintenanceInfo;
  private local?: MaintenanceInfo;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
  ) {}

  get current(): MaintenanceInfo | undefined {
    return this.local ?? this.shared;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads the shared flag now (the poll does it twice a second). */
  async poll(): Promise<void> {
    try {
      const raw = await this.redis.client.get(maintenanceKey(this.config.queue.prefix));
      const next = raw ? (JSON.parse(raw) as MaintenanceInfo) : undefined;
      if (!!next !== !!this.shared)
        this.logger.warn(next ? `maintenance: ${next.reason}` : 'maintenance over: serving again');
      this.shared = next;
    } catch {
      // Redis down: keep what we knew (readiness reports Redis anyway).
    }
  }

  /** Set by the instance running the restore; cleared once it has removed the shared flag too. */
  holdLocally(info: MaintenanceInfo | undefined): void {
    this.local = info;
    if (!info) this.shared = undefined;
  }

  /** The 503 for every request but health and metrics while in maintenance. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const info = this.current;
      if (!info || OPEN_PATHS.test(request.url.split('?')[0])) return done();
      void reply
        .status(503)
        .header('Retry-After', String(info.retryAfterSeconds))
        .type('application/problem+json')
        .send(problemDocument('MAINTENANCE', `${info.reason}; try again in ${info.retryAfterSeconds} s`));
    });
  }
}
