import { MetaSink } from './meta-sink';
import { Report, settle, startPonte } from './support';

const LIMIT = 80;
const BURST = Number(process.env.BENCH_BURST ?? 5000);

/**
 * rate-limit: a provider limited to 80 msg/s under a 5,000-message burst (bulk API). Targets
 * (quality.md): never above 80 in any 1-second window at the provider; ≥ 76/s on average. The
 * reference is the limit itself: the ratio is the average rate over it.
 */
export async function rateLimit(): Promise<void> {
  const report = new Report('rate-limit');
  await settle();
  const sink = new MetaSink();
  const sinkUrl = await sink.start();
  const { api, stop } = await startPonte({ WORKER_CONCURRENCY: '50' });
  try {
    await api('POST', '/v1/providers', {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'bench',
      rateLimitPerSecond: LIMIT,
      config: { accessToken: 'bench-token', phoneNumberId: '1065', baseUrl: sinkUrl },
    });
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
        {
          notifications,
        },
      );
      const refused = results.filter((r) => r.error);
      if (refused.length)
        throw new Error(`bulk refused ${refused.length} items: ${JSON.stringify(refused[0])}`);
    }
    const deadline = started + (BURST / LIMIT) * 1000 * 1.5 + 30_000;
    while (sink.arrivals.length < BURST && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    const first = Math.min(...sink.arrivals);
    const last = Math.max(...sink.arrivals);
    const average = +((sink.arrivals.length - 1) / ((last - first) / 1000)).toFixed(1);
    report.figure('provider-80-per-second', {
      burst: BURST,
      received: sink.arrivals.length,
      duplicates: sink.duplicates,
      peakInAnySecond: sink.peakPerSecond(),
      averagePerSecond: average,
      ratio: +(average / LIMIT).toFixed(3),
      targetPeak: LIMIT,
      targetAverage: 76,
    });
    report.save({ reference: LIMIT, ratio: +(average / LIMIT).toFixed(3) });
  } finally {
    await stop();
    await sink.stop();
  }
}
