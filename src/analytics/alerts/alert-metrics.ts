import { readFileSync, statfsSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DlqService } from '../../events/dlq/dlq.service';
import { Clock } from '../../platform/clock';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { ALL_QUEUES } from '../../platform/queue/queue.registry';

/** Metrics whose value is already a count over the rule's window (they fire at once when it holds). */
export const windowed = (metric: string) =>
  metric === 'messages.error_rate' ||
  metric === 'http.slow_requests' ||
  metric === 'dlq.growth' ||
  metric.startsWith('event:');

export const GAUGES = [
  'queue.retrying',
  'queue.waiting',
  'dlq.size',
  'system.memory_percent',
  'system.disk_percent',
];
export const WINDOWED = ['messages.error_rate', 'http.slow_requests', 'dlq.growth', 'event:<type>'];

export function isAlertMetric(metric: string): boolean {
  return (
    GAUGES.includes(metric) || WINDOWED.slice(0, 3).includes(metric) || /^event:[\w.*-]{1,100}$/.test(metric)
  );
}

/**
 * The values alert rules compare: queue depths (every queue of the instance), the workspace's DLQ,
 * its message error rate and events by type in the window (analytics' own facts), slow requests
 * and the host's memory and disk. Samples of cumulative figures are kept in memory to take
 * differences over a window (in the process evaluating: one per tick).
 */
@Injectable()
export class AlertMetrics {
  private readonly samples = new Map<string, Array<{ at: number; value: number }>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly dlq: DlqService,
    private readonly jobs: JobQueue,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  async value(workspaceId: string, metric: string, windowMs: number): Promise<number | null> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - windowMs);
    switch (metric) {
      case 'queue.retrying':
        return this.retrying();
      case 'queue.waiting':
        return this.queueCount('waiting', 'prioritized');
      case 'dlq.size':
        return this.dlqSize(workspaceId);
      case 'dlq.growth':
        return this.growth(`dlq:${workspaceId}`, await this.dlqSize(workspaceId), windowMs);
      case 'messages.error_rate': {
        const [r]: Array<{ failed: string; all: string }> = await this.dataSource.query(
          `SELECT count(*) FILTER (WHERE metric = 'messages.failed') AS failed, count(*) AS all FROM analytics_facts
           WHERE workspace_id = $1 AND at >= $2 AND at < $3 AND metric IN ('messages.sent', 'messages.failed')`,
          [workspaceId, since, now],
        );
        return Number(r.all) ? Number(r.failed) / Number(r.all) : 0;
      }
      case 'http.slow_requests':
        return this.growth('http', await this.slowRequests(), windowMs);
      case 'system.memory_percent':
        return memoryPercent();
      case 'system.disk_percent': {
        const s = statfsSync('/');
        return s.blocks ? (1 - s.bavail / s.blocks) * 100 : null;
      }
    }
    if (metric.startsWith('event:')) {
      const pattern = metric
        .slice('event:'.length)
        .replace(/[%_\\]/g, '\\$&')
        .replace(/\*/g, '%');
      const [r]: Array<{ n: string }> = await this.dataSource.query(
        `SELECT count(*) AS n FROM analytics_facts
         WHERE workspace_id = $1 AND at >= $2 AND at < $3 AND metric = 'events.received' AND event_type LIKE $4`,
        [workspaceId, since, now, pattern],
      );
      return Number(r.n);
    }
    return null;
  }

  private async queueCount(...states: Array<'delayed' | 'waiting' | 'prioritized'>): Promise<number> {
    const counts = await Promise.all(ALL_QUEUES.map((q) => this.jobs.queue(q).getJobCounts(...states)));
    return counts.reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  /** Delayed jobs but the job schedulers' next runs (one delayed job each): retries and timers. */
  private async retrying(): Promise<number> {
    const counts = await Promise.all(
      ALL_QUEUES.map(async (q) => {
        const queue = this.jobs.queue(q);
        const [{ delayed }, schedulers] = await Promise.all([
          queue.getJobCounts('delayed'),
          queue.getJobSchedulersCount(),
        ]);
        return Math.max(0, delayed - schedulers);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async dlqSize(workspaceId: string): Promise<number> {
    return (await this.dlq.stats({ workspaceId, actorType: 'api_key', actorId: 'alerts', scopes: [] })).total;
  }

  /** Requests slower than 5 s so far (the HTTP histogram's count above its 5 s bucket). */
  private async slowRequests(): Promise<number> {
    const metric = this.metrics.registry.getSingleMetric('ponte_http_request_duration_seconds');
    if (!metric) return 0;
    const { values } = await metric.get();
    let all = 0;
    let fast = 0;
    for (const v of values as Array<{
      metricName?: string;
      value: number;
      labels: Record<string, unknown>;
    }>) {
      if (v.metricName?.endsWith('_count')) all += v.value;
      else if (v.metricName?.endsWith('_bucket') && v.labels.le === 5) fast += v.value;
    }
    return all - fast;
  }

  /** How much a cumulative figure grew over the window (0 on the first sample). */
  private growth(key: string, value: number, windowMs: number): number {
    const now = this.clock.nowMs();
    const list = (this.samples.get(key) ?? []).filter((s) => s.at >= now - windowMs);
    list.push({ at: now, value });
    this.samples.set(key, list);
    return value - list[0].value;
  }
}

/** Memory in use as Linux counts it (MemAvailable), else what the OS calls free. */
function memoryPercent(): number {
  try {
    const info = readFileSync('/proc/meminfo', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1]);
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    if (total && Number.isFinite(available)) return (1 - available / total) * 100;
  } catch {
    // not Linux
  }
  return (1 - freemem() / totalmem()) * 100;
}
