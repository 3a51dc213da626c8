// Wire-level helpers of the fake servers: route patterns, request parsing, response encoding.
import type http from 'node:http';
import type { FakeResponse, RecordedRequest, RequestFilter } from './fake-server';

export function compilePattern(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(/:([A-Za-z_]\w*)|\*$/g)) {
    source += escapeRegExp(pattern.slice(last, m.index));
    names.push(m[1] ?? '*');
    source += m[1] ? '([^/]+?)' : '(.*)';
    last = m.index + m[0].length;
  }
  source += escapeRegExp(pattern.slice(last));
  return { regex: new RegExp(`^${source}/?$`), names };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function toMultiMap(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // kept as text so that a fake can answer 400 the way the provider would
    }
  }
  if (type === 'application/x-www-form-urlencoded') return toMultiMap(new URLSearchParams(text));
  return text;
}

export function encodeBody(body: unknown): { buffer: Buffer; contentType: string } | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return { buffer: body, contentType: 'application/octet-stream' };
  if (typeof body === 'string')
    return { buffer: Buffer.from(body), contentType: 'text/plain; charset=utf-8' };
  return { buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json; charset=utf-8' };
}

export function send(res: http.ServerResponse, response: FakeResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  const payload = encodeBody(response.body);
  if (payload && !headers['content-type']) headers['content-type'] = payload.contentType;
  headers['content-length'] = String(payload?.buffer.length ?? 0);
  res.writeHead(response.status, headers);
  res.end(payload?.buffer);
}

export function matchesFilter(filter: RequestFilter, req: RecordedRequest): boolean {
  if (typeof filter === 'function') return filter(req);
  if (filter.method && filter.method.toUpperCase() !== req.method) return false;
  if (filter.path instanceof RegExp) return filter.path.test(req.path);
  return filter.path === undefined || compilePattern(filter.path).regex.test(req.path);
}

export function describeFilter(filter?: RequestFilter): string {
  if (!filter) return '';
  if (typeof filter === 'function') return ' matching the filter';
  return ` matching ${filter.method ?? '*'} ${String(filter.path ?? '*')}`;
}
