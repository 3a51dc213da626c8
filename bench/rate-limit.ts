import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { MetaSink } from './meta-sink';
import { BENCH_DATABASE, cpuShare, DIST, pgCommits, Report, settle, startPonte } from './support';

const LIMIT = 80;
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const PACER_ALONE = Number(process.env.BENCH_PACER_ALONE ?? 2000);
const METRICS_TOKEN = 'bench-metrics-token-bench-metrics-token';

/**
 * rate-limit: a provider limited to 80 msg/s under a 5,000-message burst (bulk API). Targets
 * (quality.md): never above 80 in any 1-second window at the provider; ≥ 76/s on average. The
 * reference is the limit itself: the ratio is the average rate over it. Also reported: the pacer's
 * slots used and missed and how late the sends left (Ponte's metrics), the fewest arrivals in a
 * sliding second once sending is under way, the CPU and commits per message, the machine's load.
 * First the pacer alone (`pacer-alone`): 50 callers in a process of their own taking turns and
 * posting to the sink, so the pacer's own ceiling shows apart from the cost of preparing sends.
 */
export async function rateLimit(): Promise<void> {
  const report = new Report('rate-limit');
  await settle();
  await pacerAlone(report);
  await settle();
  const sink = new MetaSink();
  const sinkUrl = await sink.start();
  const ponte = await startPonte({ WORKER_CONCURRENCY: '50', METRICS_TOKEN });
  const { api, stop } = ponte;
  try {
    await api('POST', '/v1/providers', {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'bench',
      rateLimitPerSecond: LIMIT,
      config: { accessToken: 'bench-token', phoneNumberId: '1065', baseUrl: sinkUrl },
    });
    const loadBefore = loadavg()[0];
    const commitsBefore = await pgCommits(BENCH_DATABASE);
    const { cores, result: seconds } = await cpuShare([ponte.child.pid], async () => {
      const started = Date.now();
      for (let sent = 0; sent < BURST; sent += 1000) {
        const notifications = Array.from({ length: Math.min(1000, BURST - sent) }, (_, i) => ({
          to: { phone: `+55319${String(20000000 + sent + i)}` },
          channels: ['whatsapp'],
          // an approved template: free text on Meta needs the contact's 24-hour window open
          template: 'appointment-reminder-24h',
          data: {
            name: 'Cliente',
            service: 'Consulta',
            startsAt: '2026-11-24T15:00:00-03:00',
            businessName: 'Clínica',
          },
        }));
        const { results } = await api<{ results: Array<{ error?: unknown }> }>(
          'POST',
          '/v1/notifications/bulk',
          { notifications },
        );
        const refused = results.filter((r) => r.error);
        if (refused.length)
          throw new Error(`bulk refused ${refused.length} items: ${JSON.stringify(refused[0])}`);
      }
      const deadline = started + (BURST / LIMIT) * 1000 * 1.5 + 30_000;
      while (sink.arrivals.length < BURST && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      return (Date.now() - started) / 1000;
    });
    const commits = (await pgCommits(BENCH_DATABASE)) - commitsBefore;
    const pacer = await pacerMetrics(ponte.url);
    const first = Math.min(...sink.arrivals);
    const last = Math.max(...sink.arrivals);
    const average = +((sink.arrivals.length - 1) / ((last - first) / 1000)).toFixed(1);
    const received = sink.arrivals.length;
    report.figure('provider-80-per-second', {
      burst: BURST,
      received,
      duplicates: sink.duplicates,
      peakInAnySecond: sink.peakPerSecond(),
      fewestInAnySecond: sink.fewestPerSecond(),
      averagePerSecond: average,
      longestGaps: sink.longestGaps(),
      ratio: +(average / LIMIT).toFixed(3),
      targetPeak: LIMIT,
      targetAverage: 76,
      pacer,
      cores,
      cpuMsPerMessage: Object.fromEntries(
        Object.entries(cores).map(([k, c]) => [
          k,
          +((c * seconds * 1000) / Math.max(1, received)).toFixed(2),
        ]),
      ),
      commitsPerMessage: +(commits / Math.max(1, received)).toFixed(1),
      loadAverage: [+loadBefore.toFixed(1), +loadavg()[0].toFixed(1)],
    });
    report.save({ reference: LIMIT, ratio: +(average / LIMIT).toFixed(3) });
  } finally {
    await stop();
    await sink.stop();
  }
}

/** The pacer alone (pacer-alone.ts, its own process): 50 callers taking turns, each posting to the sink. */
async function pacerAlone(report: Report): Promise<void> {
  const sink = new MetaSink();
  const url = await sink.start();
  try {
    const child = spawn(
      process.execPath,
      [join(DIST, 'bench/pacer-alone.js'), url, String(PACER_ALONE), String(LIMIT)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`pacer-alone exited with ${String(code)}`);
    const { metrics, granted } = JSON.parse(out) as { metrics: string; granted: Record<string, number> };
    // From a granted turn to its arrival at the sink: the part of the spread the margin must absorb
    // besides LATE_MS (the request's way out of the sending process, the sink's own clock).
    const way = Object.entries(granted)
      .map(([to, at]) => sink.firstArrival.get(to)! - at)
      .sort((a, b) => a - b);
    const pct = (p: number) => +way[Math.min(way.length - 1, Math.floor(p * way.length))].toFixed(1);
    const first = Math.min(...sink.arrivals);
    const last = Math.max(...sink.arrivals);
    const average = +((sink.arrivals.length - 1) / ((last - first) / 1000)).toFixed(1);
    report.figure('pacer-alone', {
      sends: sink.arrivals.length,
      peakInAnySecond: sink.peakPerSecond(),
      fewestInAnySecond: sink.fewestPerSecond(),
      averagePerSecond: average,
      pacer: pacerCounts(metrics),
      grantedToArrivalMs: { min: pct(0), p50: pct(0.5), p99: pct(0.99), max: pct(1) },
      loadAverage: +loadavg()[0].toFixed(1),
    });
  } finally {
    await sink.stop();
  }
}

/** The pacer's own counts, from Ponte's Prometheus metrics. */
async function pacerMetrics(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return pacerCounts(await res.text());
}

/** Slots used and missed, and the share of wakes within 1, 5, 10 (LATE_MS), 15 and 50 ms of their slot. */
function pacerCounts(text: string): Record<string, number> {
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const wakes = value(/^ponte_provider_pace_lateness_seconds_count (\S+)$/m);
  const within = (le: string) =>
    +(
      value(new RegExp(`^ponte_provider_pace_lateness_seconds_bucket\\{le="${le}"\\} (\\S+)$`, 'm')) /
      Math.max(1, wakes)
    ).toFixed(3);
  return {
    slotsUsed: value(/^ponte_provider_pace_slots_total\{outcome="used"\} (\S+)$/m),
    slotsMissed: value(/^ponte_provider_pace_slots_total\{outcome="missed"\} (\S+)$/m),
    wokeWithin1ms: within('0.001'),
    wokeWithin5ms: within('0.005'),
    wokeWithin10ms: within('0.01'),
    wokeWithin15ms: within('0.015'),
    wokeWithin50ms: within('0.05'),
  };
}
