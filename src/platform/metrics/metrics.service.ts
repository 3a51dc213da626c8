import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';
import { clusterMetricsFor } from '../http/cluster';
import { ALL_QUEUES } from '../queue/queue.registry';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/**
 * One Prometheus registry for the process. Modules create their own counters through `counter()`
 * so names stay prefixed and registered once.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** The text /metrics answers: under WEB_CONCURRENCY > 1, every HTTP process's metrics summed. */
  readonly render = clusterMetricsFor(this.registry);
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(moduleRef: ModuleRef) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ponte_' });
    this.httpDuration = new Histogram({
      name: 'ponte_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'ponte_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      aggregator: 'max', // each process of a cluster counts the same queues
      async collect() {
        await Promise.all(
          ALL_QUEUES.map(async (name) => {
            const queue = moduleRef.get<Queue>(getQueueToken(name), { strict: false });
            const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), 1000).catch(
              () => undefined,
            );
            if (!counts) return; // Redis down: no sample rather than a wrong zero
            for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  /** Modules ask for their metrics here; asking twice for one name returns the same metric. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    const existing = this.registry.getSingleMetric(config.name) as Counter<L> | undefined;
    return existing ?? new Counter<L>({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    const existing = this.registry.getSingleMetric(config.name) as Gauge<L> | undefined;
    return existing ?? new Gauge<L>({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    const existing = this.registry.getSingleMetric(config.name) as Histogram<L> | undefined;
    return existing ?? new Histogram<L>({ ...config, registers: [this.registry] });
  }

  /** Times every request by its route pattern (not its URL: no ids or tokens in labels). */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
