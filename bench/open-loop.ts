import { Pool } from 'undici';
import type { LoadFigures } from './support';

export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OpenLoopOptions {
  url: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** Seconds. */
  duration: number;
  /** Builds each request (a fresh id and signature each time). */
  request: () => OpenLoopRequest;
  /** Connections the pool may open (enough that none waits at this rate: 64). */
  connections?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An open loop at a fixed rate: request i is due at start + i / rate, and its latency runs from
 * when it was due, not from when it left, so a generator or server that falls behind shows in the
 * tail instead of hiding it (no coordinated omission). autocannon's `overallRate` is not this: each
 * connection fires its whole second's share back to back at the top of the second and then waits,
 * so "1,000 req/s over 50 connections" is a closed-loop burst of 1,000 every second, and its
 * latency correction then records a value per millisecond of each answer's time.
 */
export async function openLoop(opts: OpenLoopOptions): Promise<LoadFigures> {
  const { origin, pathname } = new URL(opts.url);
  const base = pathname === '/' ? '' : pathname.replace(/\/$/, '');
  const pool = new Pool(origin, { connections: opts.connections ?? 64, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const send = async (dueAt: number): Promise<void> => {
    const r = opts.request();
    try {
      const res = await pool.request({
        method: r.method,
        path: base + r.path,
        headers: r.headers,
        body: r.body,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
      latencies.push(performance.now() - dueAt);
    } catch {
      errors++;
    }
  };
  try {
    const total = Math.round(opts.rate * opts.duration);
    const interval = 1000 / opts.rate;
    const started = performance.now();
    const sent: Promise<void>[] = [];
    for (let i = 0; i < total;) {
      const now = performance.now();
      // Everything due by now leaves now, each timed from its own due moment.
      while (i < total && started + i * interval <= now) sent.push(send(started + i++ * interval));
      if (i < total) await sleep(Math.max(0, started + i * interval - performance.now()));
    }
    await Promise.all(sent);
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies.length === 0
        ? 0
        : +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    return {
      requests: latencies.length + errors,
      rps: Math.round(latencies.length / elapsed),
      p50: pct(0.5),
      p90: pct(0.9),
      p99: pct(0.99),
      errors,
      non2xx,
    };
  } finally {
    await pool.close();
  }
}
