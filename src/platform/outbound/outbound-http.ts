import { StringDecoder } from 'node:string_decoder';
import { performance } from 'node:perf_hooks';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';
import { checkUrlShape, createGuardedLookup, UnsafeUrlError } from './ssrf-guard';

export interface OutboundOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  userAgent: string;
}

export type OutboundMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutboundRequest {
  url: string;
  method?: OutboundMethod;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole-request deadline (connect + headers + body) overriding the default. */
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** At most maxResponseBytes, utf8-decoded. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

export type OutboundErrorKind = 'timeout' | 'network' | 'unsafe-url';

export class OutboundError extends Error {
  override readonly name = 'OutboundError';

  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

const UNDICI_TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/**
 * The single client for calls to user-set URLs and providers. Redirects are never followed (a 3xx is
 * returned as-is) so a public URL cannot bounce us to an internal one; addresses are checked at
 * connect time by the guarded lookup.
 */
@Injectable()
export class OutboundHttp implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(private readonly options: OutboundOptions) {
    this.agent = new Agent({
      connect: { lookup: createGuardedLookup({ allowPrivate: options.allowPrivate }) },
      // Backstops only; the deadline below is what bounds a request.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async request(req: OutboundRequest): Promise<OutboundResponse> {
    const started = performance.now();
    let url: URL;
    try {
      url = checkUrlShape(req.url, { allowPrivate: this.options.allowPrivate });
    } catch (err) {
      throw toOutboundError(err, false);
    }

    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    let destroyBody: ((err: Error) => void) | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      const reason = new DeadlineExceeded(`Request exceeded ${timeoutMs} ms`);
      controller.abort(reason);
      // undici also aborts the body on signal; destroying it here keeps the deadline independent of that.
      destroyBody?.(reason);
    }, timeoutMs);

    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method ?? 'GET',
        headers: this.buildHeaders(req.headers),
        body: req.body,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      destroyBody = (err) => res.body.destroy(err);
      if (timedOut) res.body.destroy(new DeadlineExceeded('deadline'));

      const { body, truncated } = await readCapped(res.body, this.options.maxResponseBytes);
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        body,
        truncated,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      throw toOutboundError(err, timedOut);
    } finally {
      clearTimeout(timer);
    }
  }

  /** JSON convenience: serialises `json` as the body and parses a JSON response (bad JSON gives undefined). */
  async json<T>(
    req: OutboundRequest & { json?: unknown },
  ): Promise<OutboundResponse & { data: T | undefined }> {
    const { json, ...rest } = req;
    const headers: Record<string, string> = { ...rest.headers };
    if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
    if (json !== undefined) {
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
      rest.body = JSON.stringify(json);
    }
    const res = await this.request({ ...rest, headers });
    return { ...res, data: parseJson<T>(res) };
  }

  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private buildHeaders(headers: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = { ...headers };
    if (!hasHeader(out, 'user-agent')) out['user-agent'] = this.options.userAgent;
    return out;
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(err?: Error): void },
  maxBytes: number,
): Promise<{ body: string; truncated: boolean }> {
  // StringDecoder holds back an incomplete trailing multi-byte sequence instead of emitting U+FFFD.
  const decoder = new StringDecoder('utf8');
  let body = '';
  let received = 0;
  for await (const chunk of stream) {
    const room = maxBytes - received;
    if (chunk.length > room) {
      body += decoder.write(chunk.subarray(0, room));
      // Stop reading: the rest may be unbounded. Destroying the body drops the (now dirty) socket.
      stream.destroy();
      return { body, truncated: true };
    }
    received += chunk.length;
    body += decoder.write(chunk);
  }
  return { body: body + decoder.end(), truncated: false };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson<T>(res: OutboundResponse): T | undefined {
  if (res.truncated || res.body.trim() === '') return undefined;
  const type = res.headers['content-type'] ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type) && !/^\s*[[{]/.test(res.body)) return undefined;
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return undefined;
  }
}

function findUnsafe(err: unknown): UnsafeUrlError | undefined {
  // The lookup error may be wrapped by undici/net; walk the cause chain (bounded against cycles).
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    if (cur instanceof UnsafeUrlError) return cur;
    cur = cur.cause;
  }
  return undefined;
}

function toOutboundError(err: unknown, timedOut: boolean): OutboundError {
  if (err instanceof OutboundError) return err;
  const unsafe = findUnsafe(err);
  if (unsafe) return new OutboundError('unsafe-url', unsafe.message, unsafe);
  if (timedOut || err instanceof DeadlineExceeded)
    return new OutboundError('timeout', 'Request timed out', err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNDICI_TIMEOUT_CODES.has(code)) {
    return new OutboundError('timeout', 'Request timed out', err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OutboundError('network', `Request failed: ${message}`, err);
}
