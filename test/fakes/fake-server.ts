// Base kit for the faithful fake provider servers used by the e2e tier (Meta Graph, Twilio REST, Z-API,
// WAHA, SendGrid, a misbehaving webhook receiver...). Plain `node:http` so that the real SDKs talk to it
// exactly as they would to the provider, over loopback only.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  compilePattern,
  describeFilter,
  encodeBody,
  flattenHeaders,
  matchesFilter,
  parseBody,
  readBody,
  safeDecode,
  send,
  toMultiMap,
} from './fake-http';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names; repeated headers joined with ", " as Node does. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** Parsed JSON, a form object (repeated keys become arrays), text, or undefined when empty. */
  body: any;
  /** Route parameters, percent-decoded. Empty when no route matched. */
  params: Record<string, string>;
  receivedAt: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export type RouteHandler = (req: RecordedRequest, res: typeof reply) => FakeResponse | Promise<FakeResponse>;

export type Failure =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Never answers; the socket is destroyed by stop(). */
  | { hang: true }
  /**
   * Sends the headers at once, then `bytes` bytes every `intervalMs`: the given body (then ends), or
   * endless whitespace (valid JSON padding) until the client gives up or stop() is called.
   */
  | { drip: { bytes: number; intervalMs: number; status?: number; body?: unknown } }
  /** Resets the TCP connection (ECONNRESET on the client) after the request was read. */
  | { destroy: true };

type DripFailure = Extract<Failure, { drip: unknown }>;

export type RequestFilter =
  | ((req: RecordedRequest) => boolean)
  /** `path` is a route pattern (`/v1/:id/messages`) or a RegExp tested against the path. */
  | { method?: string; path?: string | RegExp };

/** Response builders handed to every route handler. */
export const reply = {
  json: (body: unknown, status = 200, headers: Record<string, string> = {}): FakeResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }),
  text: (body: string, status = 200, contentType = 'text/plain; charset=utf-8'): FakeResponse => ({
    status,
    headers: { 'content-type': contentType },
    body,
  }),
  empty: (status = 204, headers: Record<string, string> = {}): FakeResponse => ({ status, headers }),
};

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearer(req: Pick<RecordedRequest, 'headers'>): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** The credentials of `Authorization: Basic <base64(user:pass)>`, if well formed. */
export function basic(req: Pick<RecordedRequest, 'headers'>): { user: string; pass: string } | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: RouteHandler;
}

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

export abstract class FakeServer {
  private server?: http.Server;
  private baseUrl?: string;
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  /** Pending delays and drips, cancelled by stop(). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<Waiter>();
  private recorded: RecordedRequest[] = [];
  private oneShot: { remaining: number; failure: Failure; filter?: RequestFilter }[] = [];
  private rules: { predicate: (req: RecordedRequest) => boolean; failure: Failure }[] = [];

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.constructor.name} is not started`);
    return this.baseUrl;
  }

  /**
   * Declares a route; the first registered match wins. `:name` matches within one path segment
   * (`/Messages/:sid.json` works), a trailing `*` matches the rest into `params['*']`, and `*` as the
   * method matches any method.
   */
  protected route(method: string, pattern: string, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), ...compilePattern(pattern), handler });
  }

  async start(): Promise<string> {
    if (this.server) throw new Error(`${this.constructor.name} is already started`);
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => {
        this.server = undefined;
        reject(error);
      });
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Closes the server without waiting for hung or dripping responses: their sockets are destroyed. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    for (const waiter of [...this.waiters]) waiter.fail(new Error(`${this.constructor.name} was stopped`));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Recorded requests, oldest first, optionally filtered. */
  requests(filter?: RequestFilter): RecordedRequest[] {
    return filter ? this.recorded.filter((r) => matchesFilter(filter, r)) : [...this.recorded];
  }

  /** Forgets recorded requests and failures. Subclasses with state override it and call super. */
  reset(): void {
    this.recorded = [];
    this.clearFailures();
  }

  /** Resolves with the matching requests once at least `n` were recorded. */
  waitForRequests(n: number, timeoutMs = 5000, filter?: RequestFilter): Promise<RecordedRequest[]> {
    const found = this.requests(filter);
    if (found.length >= n) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = this.recorded.slice(-10).map((r) => `${r.method} ${r.path}`);
        waiter.fail(
          new Error(
            `${this.constructor.name}: expected ${n} request(s)${describeFilter(filter)} within ${timeoutMs} ms, ` +
              `got ${this.requests(filter).length}; last recorded: [${seen.join(', ')}]`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const matching = this.requests(filter);
          if (matching.length < n) return;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(matching);
        },
        fail: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** The next `count` requests (matching `filter`, if given) fail; queued after earlier failNext calls. */
  failNext(count: number, failure: Failure, filter?: RequestFilter): void {
    if (count > 0) this.oneShot.push({ remaining: count, failure, filter });
  }

  /** Every request matching `predicate` fails until the returned function or clearFailures() is called. */
  failWhen(predicate: (req: RecordedRequest) => boolean, failure: Failure): () => void {
    const rule = { predicate, failure };
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  clearFailures(): void {
    this.oneShot = [];
    this.rules = [];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const rawBody = await readBody(req);
      // Concatenated rather than resolved, so that a path like `//x` is not taken for a host.
      const url = new URL(`http://fake${req.url ?? '/'}`);
      const method = (req.method ?? 'GET').toUpperCase();
      const match = this.match(method, url.pathname);
      const recorded: RecordedRequest = {
        method,
        path: url.pathname,
        query: toMultiMap(url.searchParams),
        headers: flattenHeaders(req.headers),
        rawBody,
        body: parseBody(req.headers['content-type'], rawBody),
        params: match?.params ?? {},
        receivedAt: Date.now(),
      };
      this.recorded.push(recorded);
      for (const waiter of [...this.waiters]) waiter.check();

      const failure = this.takeFailure(recorded);
      if (failure) return this.fail(failure, req, res);
      const response = match
        ? await match.route.handler(recorded, reply)
        : reply.json(
            {
              error: 'not_found',
              message: `${this.constructor.name} has no route for ${method} ${url.pathname}`,
            },
            404,
          );
      send(res, response);
    } catch (error) {
      // A throwing handler is a bug in the fake: say so in the response rather than hang the client.
      send(res, reply.json({ error: 'fake_handler_error', message: String(error) }, 500));
    }
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }

  private takeFailure(req: RecordedRequest): Failure | undefined {
    const next = this.oneShot.find((f) => !f.filter || matchesFilter(f.filter, req));
    if (next) {
      next.remaining -= 1;
      if (next.remaining <= 0) this.oneShot = this.oneShot.filter((f) => f !== next);
      return next.failure;
    }
    return this.rules.find((r) => r.predicate(req))?.failure;
  }

  private fail(failure: Failure, req: http.IncomingMessage, res: http.ServerResponse): void {
    if ('hang' in failure) return;
    if ('destroy' in failure) {
      req.socket.resetAndDestroy();
      return;
    }
    if ('drip' in failure) return this.drip(res, failure.drip);
    const answer = () => send(res, failure);
    if (!failure.delayMs) return answer();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, failure.delayMs);
    this.timers.add(timer);
  }

  private drip(
    res: http.ServerResponse,
    { bytes, intervalMs, status = 200, body }: DripFailure['drip'],
  ): void {
    const payload = encodeBody(body);
    const headers: Record<string, string> = { 'content-type': payload?.contentType ?? 'application/json' };
    if (payload) headers['content-length'] = String(payload.buffer.length);
    res.writeHead(status, headers);
    res.flushHeaders();
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) return finish();
      if (!payload) return void res.write(' '.repeat(bytes));
      const chunk = payload.buffer.subarray(offset, offset + bytes);
      offset += chunk.length;
      if (offset < payload.buffer.length) return void res.write(chunk);
      res.end(chunk);
      finish();
    }, intervalMs);
    const finish = () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
    this.timers.add(timer);
    res.once('close', finish);
  }
}
