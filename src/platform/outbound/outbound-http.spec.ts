import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { OutboundError, OutboundHttp, OutboundOptions } from './outbound-http';

// Only loopback exists here; every request goes to this local server or is refused before connecting.
let server: http.Server;
let base: string;
let port: number;
let connections = 0;
const hits: string[] = [];

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  hits.push(req.url ?? '');
  const path = req.url ?? '/';
  if (path === '/redirect') {
    res.writeHead(302, { location: `${base}/target` }).end();
  } else if (path === '/target') {
    res.end('target');
  } else if (path === '/hang') {
    // Never answer.
  } else if (path === '/drip') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('x'), 100);
    res.on('close', () => clearInterval(timer));
  } else if (path === '/big') {
    res.end(Buffer.alloc(1024 * 1024, 'a'));
  } else if (path === '/multibyte') {
    res.end('é'.repeat(2000));
  } else if (path === '/bad-json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"nope":');
  } else if (path === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
      res.end(
        JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
  } else {
    res.writeHead(404).end();
  }
}

const defaults: OutboundOptions = {
  allowPrivate: true,
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  userAgent: 'ponte-test/1.0',
};

let client: OutboundHttp;

beforeAll(async () => {
  server = http.createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  client = new OutboundHttp(defaults);
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  hits.length = 0;
});

afterEach(() => jest.restoreAllMocks());

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(OutboundError);
    return err as OutboundError;
  }
  throw new Error('expected the request to fail');
}

describe('OutboundHttp', () => {
  it('sends method, body and default user-agent, and flattens response headers', async () => {
    const res = await client.request({ url: `${base}/echo`, method: 'PUT', body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers['x-multi']).toBe('a, b');
    expect(res.truncated).toBe(false);
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    const echoed = JSON.parse(res.body);
    expect(echoed).toMatchObject({ method: 'PUT', body: 'hello' });
    expect(echoed.headers['user-agent']).toBe('ponte-test/1.0');
  }, 5000);

  it('returns a 302 as-is and does not follow the Location', async () => {
    const res = await client.request({ url: `${base}/redirect` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${base}/target`);
    expect(hits).toEqual(['/redirect']);
  }, 5000);

  it('times out a server that never answers after about timeoutMs', async () => {
    const started = Date.now();
    const err = await failure(client.request({ url: `${base}/hang`, timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(280); // not before the deadline (how long after is bench's business)
  }, 5000);

  it('cuts a slow drip of bytes at the whole-request deadline', async () => {
    const started = Date.now();
    const err = await failure(client.request({ url: `${base}/drip`, timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(280);
  }, 5000);

  it('truncates a big response to maxResponseBytes', async () => {
    const small = new OutboundHttp({ ...defaults, maxResponseBytes: 1024 });
    try {
      const res = await small.request({ url: `${base}/big` });
      expect(res.status).toBe(200);
      expect(res.truncated).toBe(true);
      expect(res.body).toBe('a'.repeat(1024));
    } finally {
      await small.close();
    }
  }, 5000);

  it('does not split a multi-byte character when truncating', async () => {
    const small = new OutboundHttp({ ...defaults, maxResponseBytes: 1023 });
    try {
      const res = await small.request({ url: `${base}/multibyte` });
      expect(res.truncated).toBe(true);
      expect(res.body).toBe('é'.repeat(511));
    } finally {
      await small.close();
    }
  }, 5000);

  it('classifies a refused connection as network', async () => {
    // Grab a free loopback port, then close it so nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await failure(client.request({ url: `http://127.0.0.1:${freePort}/` }));
    expect(err.kind).toBe('network');
  }, 5000);

  describe('json', () => {
    it('serialises the payload, sets content-type and parses the reply', async () => {
      const res = await client.json<{ method: string; headers: Record<string, string>; body: string }>({
        url: `${base}/echo`,
        method: 'POST',
        json: { hello: 'world' },
      });
      expect(res.status).toBe(201);
      expect(res.data?.method).toBe('POST');
      expect(res.data?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.data!.body)).toEqual({ hello: 'world' });
    }, 5000);

    it('gives data undefined for invalid JSON instead of throwing', async () => {
      const res = await client.json({ url: `${base}/bad-json` });
      expect(res.status).toBe(200);
      expect(res.body).toBe('{"nope":');
      expect(res.data).toBeUndefined();
    }, 5000);
  });

  describe('with allowPrivate false', () => {
    let strict: OutboundHttp;

    beforeAll(() => {
      strict = new OutboundHttp({ ...defaults, allowPrivate: false });
    });

    afterAll(async () => {
      await strict.close();
    });

    it.each([
      () => `http://127.0.0.1:${port}/`,
      () => 'http://169.254.169.254/',
      () => 'http://10.0.0.1/',
      () => `http://[::1]:${port}/`,
      () => 'http://[::ffff:10.0.0.1]/',
    ])(
      'refuses literal address #%# before opening any socket',
      async (url) => {
        // A throwing stub: if the guard ever let one through, no packet could leave anyway.
        const connect = jest.spyOn(net, 'connect').mockImplementation(() => {
          throw new Error('net.connect must not be called');
        });
        const before = connections;
        const err = await failure(strict.request({ url: url() }));
        expect(err.kind).toBe('unsafe-url');
        expect(connect).not.toHaveBeenCalled();
        expect(connections).toBe(before);
      },
      5000,
    );

    it.each(['ftp://example.com/', 'http://user:pass@example.com/', 'nonsense'])(
      'refuses %s as unsafe-url without DNS',
      async (url) => {
        const lookup = jest.spyOn(dns, 'lookup');
        const err = await failure(strict.request({ url }));
        expect(err.kind).toBe('unsafe-url');
        expect(lookup).not.toHaveBeenCalled();
      },
      5000,
    );

    it('refuses localhost at connect time via the guarded lookup', async () => {
      const before = connections;
      const err = await failure(strict.request({ url: `http://localhost:${port}/echo` }));
      expect(err.kind).toBe('unsafe-url');
      expect(connections).toBe(before);
      expect(hits).toEqual([]);
    }, 5000);

    it('refuses a hostname that resolves to a private address at send time (rebinding)', async () => {
      // Stub DNS so the name "rebinds" to 10.x; the lookup hook fails before any SYN is sent.
      jest
        .spyOn(dns, 'lookup')
        .mockImplementation(((_h: string, _o: unknown, cb: (...a: unknown[]) => void) =>
          cb(null, [{ address: '10.0.0.7', family: 4 }])) as any);
      const err = await failure(strict.request({ url: 'http://rebind.example.com/' }));
      expect(err.kind).toBe('unsafe-url');
      expect(err.cause).toMatchObject({ reason: 'private-address' });
    }, 5000);
  });

  it('close() is idempotent', async () => {
    const c = new OutboundHttp(defaults);
    await c.close();
    await expect(c.close()).resolves.toBeUndefined();
    await expect(c.onApplicationShutdown()).resolves.toBeUndefined();
  }, 5000);
});
