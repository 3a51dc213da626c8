import type { Request } from 'autocannon';
import { openLoop, type OpenLoopRequest } from './open-loop';
import { load, measureReference, Report, startPonte } from './support';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);

/** WhatsApp notifications to a different number each time, rendered from inline Liquid content. */
function notifications(key: string): () => OpenLoopRequest {
  let n = 0;
  return () => ({
    method: 'POST',
    path: '/v1/notifications',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      to: { phone: `+55319${String(10000000 + (n++ % 89999999))}` },
      channels: ['whatsapp', 'sms'],
      content: { body: 'Olá, {{ name }}! Sua consulta é amanhã às {{ time }}.' },
      data: { name: 'Maria', time: '15h' },
    }),
  });
}

/**
 * notify-api: `POST /v1/notifications` (validate, normalise the phone, render every channel,
 * persist, enqueue, 202) with a key whose rate limit is raised, against a bare Fastify
 * hello-world in the same run. Targets (quality.md): ≥ 3,000 req/s; p99 ≤ 30 ms at 1,000 req/s.
 * The workers run in their own process (BENCH_ROLE, default `api` here) so the API is measured.
 */
export async function notifyApi(): Promise<void> {
  const report = new Report('notify-api');
  const reference = await measureReference(report, DURATION, 1000);
  const { child, url, api, stop } = await startPonte({ APP_ROLE: process.env.BENCH_ROLE ?? 'api' });
  try {
    const { key } = await api<{ key: string }>('POST', '/v1/api-keys', {
      name: 'bench',
      scopes: ['notifications:write'],
      rateLimitPerMinute: 1_000_000,
    });
    const next = notifications(key);
    const request: Request = { setupRequest: (req: Request) => ({ ...req, ...next() }) };
    await load({ url, connections: 20, duration: 3, requests: [request] }); // warm-up
    const closed = await load({ url, connections: 50, duration: DURATION, requests: [request] }, [child.pid]);
    report.figure('ponte-notify-closed-loop', {
      connections: 50,
      ...closed,
      ratio: +(closed.rps / reference.rps).toFixed(3),
      targetRps: 3000,
    });
    const fixed = await openLoop({ url, rate: 1000, duration: DURATION, request: next });
    report.figure('ponte-notify-1000rps', { rate: 1000, ...fixed, targetP99Ms: 30 });
    report.save({ reference: reference.rps, ratio: +(closed.rps / reference.rps).toFixed(3) });
  } finally {
    await stop();
  }
}
