// The receiving end of Ponte's outbound webhooks, behaving as a real Standard Webhooks consumer: it verifies
// every delivery with the `standardwebhooks` package on the exact raw body, answers 401 when no trusted
// secret matches, and otherwise misbehaves on demand (5xx, 410, redirects, Retry-After, hangs, drips).
import http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { matchesFilter } from './fake-http';
import {
  FakeServer,
  type Failure,
  type FakeResponse,
  type RecordedRequest,
  type RequestFilter,
} from './fake-server';

export interface WebhookDelivery {
  /** Request path, e.g. `/hooks/crm`. */
  path: string;
  /** `webhook-id`: stable across retries of one message. */
  webhookId?: string;
  /** `webhook-timestamp` in Unix seconds (the time of this attempt), if it is an integer. */
  timestamp?: number;
  /** `webhook-signature` as sent (space-separated `v1,<base64>` entries). */
  signatureHeader?: string;
  verified: boolean;
  /** The first trusted secret (in trust order) that verified the delivery. */
  verifiedWith?: string;
  /** Every trusted secret that verified it: two during a rotation that signs with old and new. */
  matchedSecrets: string[];
  /** Why verification failed (the package's message, e.g. `No matching signature found`). */
  error?: string;
  /** The body parsed as JSON, or the raw text when it is not JSON, or undefined when empty. */
  body: any;
  /** The raw body, decoded as UTF-8: the very string that was verified. */
  rawBody: string;
  headers: Record<string, string>;
  receivedAt: number;
}

export interface ResponseOptions {
  headers?: Record<string, string>;
  /** Defaults to `{ ok: true }` for 2xx, nothing for 204/304, `{ error: <reason phrase> }` otherwise. */
  body?: unknown;
}

/** A sequence entry: a status (answered as respondWith(status) would) or a full response. */
export type SequenceStep = number | FakeResponse;

const HOOKS: RequestFilter = { method: 'POST', path: /^\/hooks\// };
const ELSEWHERE: RequestFilter = { path: /^\/elsewhere/ };

/**
 * Two layers of failure, like a real endpoint:
 * - the base failNext/failWhen apply to any request before the signature is checked (infrastructure: a
 *   proxy answering 502, a reset connection...); the delivery is recorded and verified all the same;
 * - the conveniences (respondWith, sequence, retryAfter, timeout, slowDrip, sporadic) model the consumer
 *   itself: they decide the answer to VERIFIED deliveries only (a rejected one always gets 401), and each
 *   replaces the previous one. reset() and clearFailures() restore the default `200 { ok: true }`.
 */
export class FakeWebhookReceiver extends FakeServer {
  private readonly secrets = new Map<string, Webhook>();
  private readonly inspected = new WeakMap<RecordedRequest, WebhookDelivery>();
  private behaviour?: (delivery: WebhookDelivery) => FakeResponse | undefined;
  private removeRule?: () => void;

  constructor(...secrets: string[]) {
    super();
    this.trust(...secrets);
    this.route('POST', '/hooks/*', (req, res) => {
      const delivery = this.inspect(req);
      if (!delivery.verified) return res.json({ error: 'invalid_signature', message: delivery.error }, 401);
      return this.behaviour?.(delivery) ?? res.json({ ok: true });
    });
    // Where redirects point by default: any hit here proves that a redirect was followed.
    this.route('*', '/elsewhere*', (_req, res) => res.json({ ok: true, followed: true }));
  }

  /** Trusts secrets (`whsec_<base64>`) from now on; throws on a malformed one, as the package does. */
  trust(...secrets: string[]): void {
    for (const secret of secrets)
      if (!this.secrets.has(secret)) this.secrets.set(secret, new Webhook(secret));
  }

  distrust(secret: string): void {
    this.secrets.delete(secret);
  }

  trusted(): string[] {
    return [...this.secrets.keys()];
  }

  /** Every `POST /hooks/*` received, oldest first, rejected ones included. */
  deliveries(): WebhookDelivery[] {
    return this.requests(HOOKS).map((req) => this.inspect(req));
  }

  /** Distinct webhook-ids in order of first arrival. */
  uniqueWebhookIds(): string[] {
    return [...new Set(this.deliveries().flatMap((d) => (d.webhookId ? [d.webhookId] : [])))];
  }

  /** How many times this webhook-id arrived (accepted or not): the number of attempts of one message. */
  attemptsFor(webhookId: string): number {
    return this.deliveries().filter((d) => d.webhookId === webhookId).length;
  }

  /** Resolves with all deliveries once at least `n` arrived. */
  async waitForDeliveries(n: number, timeoutMs = 5000): Promise<WebhookDelivery[]> {
    await this.waitForRequests(n, timeoutMs, HOOKS);
    return this.deliveries();
  }

  /** The default Location of a 3xx answer. */
  get redirectTarget(): string {
    return `${this.url}/elsewhere`;
  }

  /** Requests that reached the redirect target (there should be none: redirects must not be followed). */
  redirectHits(): RecordedRequest[] {
    return this.requests(ELSEWHERE);
  }

  /** Answers every following verified delivery with `status`; a 3xx gets `Location: redirectTarget`. */
  respondWith(status: number, options: ResponseOptions = {}): void {
    this.behave(() => this.answer(status, options));
  }

  /** Answers the following verified deliveries in order, then repeats the last step forever. */
  sequence(steps: SequenceStep[]): void {
    if (steps.length === 0) throw new Error('sequence() needs at least one step');
    let next = 0;
    this.behave(() => {
      const step = steps[Math.min(next++, steps.length - 1)];
      return typeof step === 'number' ? this.answer(step) : step;
    });
  }

  /** Answers `status` (429 or 503) with `Retry-After: seconds` to the next `times` verified deliveries. */
  retryAfter(seconds: number, status = 429, times = Infinity): void {
    let left = times;
    this.behave(() =>
      left-- > 0 ? this.answer(status, { headers: { 'retry-after': String(seconds) } }) : undefined,
    );
  }

  /** Fails a deterministic pseudo-random share of verified deliveries with 500 (same seed, same pattern). */
  sporadic(failureRate: number, seed: number): void {
    const random = mulberry32(seed);
    this.behave(() => (random() < failureRate ? this.answer(500) : undefined));
  }

  /** Never answers verified deliveries: the sender's timeout must cut them (stop() destroys the sockets). */
  timeout(): void {
    this.behave(undefined, { hang: true });
  }

  /** Answers verified deliveries 200 at once, then drips whitespace forever, `bytes` every `intervalMs`. */
  slowDrip(bytesPerInterval: number, intervalMs: number): void {
    this.behave(undefined, { drip: { bytes: bytesPerInterval, intervalMs, status: 200 } });
  }

  // Every filter and predicate handed to the base class inspects hook deliveries first: the base consults
  // them before any handler, so the signature is checked on arrival whichever path answers.
  override failNext(count: number, failure: Failure, filter?: RequestFilter): void {
    super.failNext(count, failure, this.inspecting(filter));
  }

  override failWhen(predicate: (req: RecordedRequest) => boolean, failure: Failure): () => void {
    return super.failWhen(this.inspecting(predicate), failure);
  }

  /** Also drops the current behaviour. The trusted secrets are kept (reset() keeps them too). */
  override clearFailures(): void {
    super.clearFailures();
    this.behaviour = undefined;
    this.removeRule = undefined;
  }

  private behave(
    behaviour?: (delivery: WebhookDelivery) => FakeResponse | undefined,
    failure?: Failure,
  ): void {
    this.removeRule?.();
    this.removeRule = undefined;
    this.behaviour = behaviour;
    if (failure) this.removeRule = this.failWhen((req) => this.isVerifiedDelivery(req), failure);
  }

  private isVerifiedDelivery(req: RecordedRequest): boolean {
    return matchesFilter(HOOKS, req) && this.inspect(req).verified;
  }

  private inspecting(filter?: RequestFilter): (req: RecordedRequest) => boolean {
    return (req) => {
      if (matchesFilter(HOOKS, req)) this.inspect(req);
      return !filter || matchesFilter(filter, req);
    };
  }

  private answer(status: number, { headers = {}, body }: ResponseOptions = {}): FakeResponse {
    const out: Record<string, string> = { ...headers };
    const hasLocation = Object.keys(out).some((name) => name.toLowerCase() === 'location');
    if (status >= 300 && status < 400 && !hasLocation) out.location = this.redirectTarget;
    return { status, headers: out, body: body === undefined ? defaultBody(status) : body };
  }

  /** Verifies once per request, on arrival, against the secrets trusted at that moment. */
  private inspect(req: RecordedRequest): WebhookDelivery {
    const known = this.inspected.get(req);
    if (known) return known;
    const rawBody = req.rawBody.toString('utf8');
    const matchedSecrets: string[] = [];
    let error = this.secrets.size === 0 ? 'No trusted secret' : undefined;
    for (const [secret, webhook] of this.secrets) {
      try {
        // jsonParse off: a body that is not JSON is parsed (or not) below, not taken for a bad signature.
        webhook.verify(rawBody, req.headers, { jsonParse: false });
        matchedSecrets.push(secret);
      } catch (e) {
        error ??= e instanceof Error ? e.message : String(e);
      }
    }
    const timestamp = req.headers['webhook-timestamp'];
    const delivery: WebhookDelivery = {
      path: req.path,
      webhookId: req.headers['webhook-id'],
      timestamp: /^\d+$/.test(timestamp ?? '') ? Number(timestamp) : undefined,
      signatureHeader: req.headers['webhook-signature'],
      verified: matchedSecrets.length > 0,
      verifiedWith: matchedSecrets[0],
      matchedSecrets,
      error: matchedSecrets.length > 0 ? undefined : error,
      body: parseJson(rawBody),
      rawBody,
      headers: req.headers,
      receivedAt: req.receivedAt,
    };
    this.inspected.set(req, delivery);
    return delivery;
  }
}

function defaultBody(status: number): unknown {
  if (status === 204 || status === 304) return undefined;
  return status < 300 ? { ok: true } : { error: http.STATUS_CODES[status] ?? `HTTP ${status}` };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A small seeded PRNG (Mulberry32): uniform in [0, 1), the same sequence for the same seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
