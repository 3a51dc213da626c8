import { createHmac, randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import { openLoop, type OpenLoopRequest } from './open-loop';
import { api, BENCH_ADMIN_KEY, load, measureReference, Report, startPonte } from './support';

const SECRET = 'bench-app-secret';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);

function metaBody(id: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Maria Souza' }, wa_id: '5531992953088' }],
              messages: [
                {
                  from: '5531992953088',
                  id,
                  timestamp: '1732280000',
                  type: 'text',
                  text: { body: 'Olá, quero marcar' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** A signed Meta webhook with a unique message id. */
function signedMeta(): OpenLoopRequest {
  const body = metaBody(`wamid.${randomUUID()}`);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return {
    method: 'POST',
    path: '/webhooks/bench-meta',
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
  };
}

/** The same for autocannon: a fresh id and signature per request. */
function signedMetaRequest(): Request {
  return { setupRequest: (req: Request) => ({ ...req, ...signedMeta() }) };
}

/**
 * ingest: verify → dedupe → persist → enqueue → 200 for Meta-signed text messages, against a bare
 * Fastify hello-world measured in the same run (closed loop, and the same open loop at 1,000 req/s).
 * Targets (quality.md): ratio ≥ 0.15; p99 ≤ 20 ms at a fixed 1,000 req/s.
 */
export async function ingest(): Promise<void> {
  const report = new Report('ingest');
  const reference = await measureReference(report, DURATION, 1000);
  const { child: ponte, url, stop } = await startPonte({ APP_ROLE: process.env.BENCH_ROLE ?? 'api' });
  try {
    await api(url, BENCH_ADMIN_KEY)('POST', '/v1/sources', {
      name: 'bench',
      slug: 'bench-meta',
      kind: 'meta',
      config: { appSecret: SECRET, verifyToken: 'v' },
    });
    await load({ url, connections: 20, duration: 3, requests: [signedMetaRequest()] }); // warm-up
    const closed = await load({ url, connections: 50, duration: DURATION, requests: [signedMetaRequest()] }, [
      ponte.pid,
    ]);
    report.figure('ponte-ingest-closed-loop', {
      connections: 50,
      ...closed,
      ratio: +(closed.rps / reference.rps).toFixed(3),
      target: 0.15,
    });
    const fixed = await openLoop({ url, rate: 1000, duration: DURATION, request: signedMeta });
    report.figure('ponte-ingest-1000rps', { rate: 1000, ...fixed, targetP99Ms: 20 });
    report.save({ reference: reference.rps, ratio: +(closed.rps / reference.rps).toFixed(3) });
  } finally {
    await stop();
  }
}
