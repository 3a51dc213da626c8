import { createHmac, randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import { openLoop, type OpenLoopRequest } from './open-loop';
import {
  api,
  BENCH_ADMIN_KEY,
  helloAtFixedRate,
  load,
  Report,
  settle,
  startHello,
  startPonte,
  stopProcess,
} from './support';

const SECRET = 'bench-app-secret';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** Closed-loop rounds of each server (an even number), DURATION / 2 seconds each. */
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 4);

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

/**
 * Signed webhooks made before a round: the generator's HMAC, id and JSON are then not on the CPU
 * the round measures (the hello-world's generator makes nothing per request either). Past the
 * pool, each is made as it is sent.
 */
class SignedPool {
  private items: OpenLoopRequest[] = [];

  fill(count: number): void {
    this.items = Array.from({ length: count }, signedMeta);
  }

  /** For autocannon: a fresh id and signature per request. */
  request(): Request {
    return { setupRequest: (req: Request) => ({ ...req, ...(this.items.pop() ?? signedMeta()) }) };
  }
}

type Measured = Awaited<ReturnType<typeof load>>;

/** The rounds' figures as one: requests summed, rate over the whole time, cores weighted by time. */
function combined(rounds: Measured[], seconds: number) {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  const cores: Record<string, number> = {};
  for (const r of rounds)
    for (const [group, share] of Object.entries(r.cores ?? {}))
      cores[group] = +((cores[group] ?? 0) + share / rounds.length).toFixed(2);
  return {
    requests,
    rps: Math.round(requests / (seconds * rounds.length)),
    p50: Math.max(...rounds.map((r) => r.p50)),
    p99: Math.max(...rounds.map((r) => r.p99)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    cores,
    rounds: rounds.map((r) => r.rps),
  };
}

/**
 * ingest: verify → dedupe → persist → enqueue → 200 for Meta-signed text messages, against a bare
 * Fastify hello-world in the same minutes: closed loop (c=50), ROUNDS rounds of each, alternated
 * (hello, Ponte, Ponte, hello, …), so a change in the host's speed meets both; the ratio is Ponte's
 * requests over the hello-world's. Then the same open loop at 1,000 req/s against both.
 * Targets (quality.md): ratio ≥ 0.15; p99 ≤ 20 ms at a fixed 1,000 req/s.
 */
export async function ingest(): Promise<void> {
  const report = new Report('ingest');
  const hello = await startHello();
  const { child: ponte, url, stop } = await startPonte({ APP_ROLE: process.env.BENCH_ROLE ?? 'api' });
  try {
    await api(url, BENCH_ADMIN_KEY)('POST', '/v1/sources', {
      name: 'bench',
      slug: 'bench-meta',
      kind: 'meta',
      config: { appSecret: SECRET, verifyToken: 'v' },
    });
    const pool = new SignedPool();
    // Both warmed up; even so the first server measured after ran 20–50 % slow, run after run, so
    // the order alternates (hello, Ponte, Ponte, hello) over an even number of rounds.
    await load({ url: hello.url, connections: 50, duration: 5 });
    await load({ url, connections: 50, duration: 5, requests: [pool.request()] });
    const seconds = Math.max(1, DURATION / 2);
    const helloRounds: Measured[] = [];
    const ponteRounds: Measured[] = [];
    let rate = 8000; // the pool's size: half as much again as the last round's rate
    for (let i = 0; i < ROUNDS; i++) {
      for (const side of i % 2 === 0 ? ['hello', 'ponte'] : ['ponte', 'hello']) {
        if (side === 'ponte') pool.fill(Math.ceil(rate * seconds * 1.5));
        // What a round leaves behind (PostgreSQL's writes, vacuum; the signing) slowed the next.
        await settle();
        if (side === 'hello') {
          helloRounds.push(
            await load({ url: hello.url, connections: 50, duration: seconds }, [hello.child.pid]),
          );
          continue;
        }
        const round = await load({ url, connections: 50, duration: seconds, requests: [pool.request()] }, [
          ponte.pid,
        ]);
        ponteRounds.push(round);
        rate = round.rps;
      }
    }
    pool.fill(0);
    const reference = combined(helloRounds, seconds);
    const closed = combined(ponteRounds, seconds);
    const ratio = +(closed.requests / reference.requests).toFixed(3);
    report.figure('reference-hello-world', { connections: 50, ...reference });
    report.figure('ponte-ingest-closed-loop', {
      connections: 50,
      ...closed,
      ratio,
      roundRatios: ponteRounds.map((r, i) => +(r.requests / helloRounds[i].requests).toFixed(3)),
      target: 0.15,
    });
    const helloFixed = await helloAtFixedRate(hello.url, 1000, DURATION);
    report.figure('reference-hello-world-1000rps', { rate: 1000, ...helloFixed });
    const fixed = await openLoop({ url, rate: 1000, duration: DURATION, request: signedMeta });
    report.figure('ponte-ingest-1000rps', { rate: 1000, ...fixed, targetP99Ms: 20 });
    report.save({ reference: reference.rps, ratio });
  } finally {
    await stop();
    await stopProcess(hello.child);
  }
}
