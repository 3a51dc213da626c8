import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** Sends bytes exactly as given (supertest would re-encode a Buffer under a JSON content type). */
export function rawRequest(
  server: Server,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; headers: Record<string, string>; body: any; text: string }> {
  if (!server.listening) server.listen(0, '127.0.0.1');
  return new Promise((resolve, reject) => {
    const send = () => {
      const { port } = server.address() as AddressInfo;
      const req = request(
        { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers as Record<string, string>,
              body,
              text,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    };
    if (server.listening) send();
    else server.once('listening', send);
  });
}
