import { createHmac, randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import { join } from 'node:path';
import { DIST, freePort, load, recreateDatabase, Report, startProcess, stopProcess } from './support';

const ADMIN = 'pk_bench_admin_0123456789abcdefghijkl';
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

/** A signed Meta webhook with a unique message id per request. */
function signedMetaRequest(): Request {
  return {
    method: 'POST',
    path: '/webhooks/bench-meta',
    setupRequest: (req: Request) => {
      const body = metaBody(`wamid.${randomUUID()}`);
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      return {
        ...req,
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      };
    },
  };
}

/**
 * ingest: verify → dedupe → persist → enqueue → 200 for Meta-signed text messages, against a bare
 * Fastify hello-world measured in the same run. Targets (quality.md): ratio ≥ 0.15; p99 ≤ 20 ms at
 * a fixed 1,000 req/s.
 */
export async function ingest(): Promise<void> {
  const report = new Report('ingest');
  const helloPort = await freePort();
  const hello = await startProcess(
    join(DIST, 'bench/hello.js'),
    [String(helloPort)],
    {},
    `http://127.0.0.1:${helloPort}/`,
  );
  const reference = await load({
    url: `http://127.0.0.1:${helloPort}/`,
    connections: 50,
    duration: DURATION,
  });
  await stopProcess(hello);
  report.figure('reference-hello-world', { connections: 50, ...reference });

  const port = await freePort();
  const databaseUrl = await recreateDatabase('ponte_bench');
  const ponte = await startProcess(
    join(DIST, 'src/main.js'),
    [],
    {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
      BOOTSTRAP_ADMIN_API_KEY: ADMIN,
      JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      APP_ROLE: process.env.BENCH_ROLE ?? 'all',
    },
    `http://127.0.0.1:${port}/health/ready`,
  );
  try {
    const created = await fetch(`http://127.0.0.1:${port}/v1/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        slug: 'bench-meta',
        kind: 'meta',
        config: { appSecret: SECRET, verifyToken: 'v' },
      }),
    });
    if (created.status !== 201) throw new Error(`source creation answered ${created.status}`);
    const url = `http://127.0.0.1:${port}`;
    await load({ url, connections: 20, duration: 3, requests: [signedMetaRequest()] }); // warm-up
    const closed = await load({ url, connections: 50, duration: DURATION, requests: [signedMetaRequest()] });
    report.figure('ponte-ingest-closed-loop', {
      connections: 50,
      ...closed,
      ratio: +(closed.rps / reference.rps).toFixed(3),
      target: 0.15,
    });
    const fixed = await load({
      url,
      connections: 50,
      overallRate: 1000,
      duration: DURATION,
      requests: [signedMetaRequest()],
    });
    report.figure('ponte-ingest-1000rps', { rate: 1000, ...fixed, targetP99Ms: 20 });
    report.save({ reference: reference.rps, ratio: +(closed.rps / reference.rps).toFixed(3) });
  } finally {
    await stopProcess(ponte);
  }
}
