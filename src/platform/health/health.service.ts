import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { withTimeout } from '../metrics/metrics.service';
import { PluginRegistry } from '../plugins/plugin-registry';
import { ALL_QUEUES } from '../queue/queue.registry';
import { RedisConnections } from '../queue/redis.connections';
import { HEALTH_DETAIL } from './health-detail';

export interface DependencyCheck {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly plugins: PluginRegistry,
  ) {}

  /** Called at the start of a graceful shutdown: readiness turns 503 so load balancers move on. */
  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async dependencies(): Promise<{ PostgreSQL: DependencyCheck; Redis: DependencyCheck }> {
    const [PostgreSQL, Redis] = await Promise.all([
      this.check(() => this.dataSource.query('SELECT 1')),
      this.check(() => this.redis.client.ping()),
    ]);
    return { PostgreSQL, Redis };
  }

  async detailed(): Promise<Record<string, unknown>> {
    const dependencies = await this.dependencies();
    const queues: Record<string, unknown> = {};
    if (dependencies.Redis.status === 'up') {
      await Promise.all(
        ALL_QUEUES.map(async (name) => {
          const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
          queues[name] = await withTimeout(
            queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
            CHECK_TIMEOUT_MS,
          ).catch(() => 'unavailable');
        }),
      );
    }
    const extra: Record<string, unknown> = {};
    // Sections declared with @HealthDetail, in discovery (module) order.
    for (const { name, handler } of this.plugins.get(HEALTH_DETAIL)) extra[name] = await handler();
    const memory = process.memoryUsage();
    return {
      status:
        Object.values(dependencies).every((d) => d.status === 'up') && !this.draining ? 'ok' : 'degraded',
      role: this.config.app.role,
      pid: process.pid,
      draining: this.draining,
      uptimeSeconds: Math.round(process.uptime()),
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      dependencies,
      queues,
      ...extra,
    };
  }

  private async check(probe: () => Promise<unknown>): Promise<DependencyCheck> {
    const started = performance.now();
    try {
      await withTimeout(probe(), CHECK_TIMEOUT_MS);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      return {
        status: 'down',
        latencyMs: Math.round(performance.now() - started),
        error: (err as Error).message.slice(0, 120),
      };
    }
  }
}
