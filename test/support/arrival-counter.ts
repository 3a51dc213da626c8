import { ChildProcess, spawn } from 'node:child_process';

/**
 * A Meta-shaped sink in a process of its own that only timestamps arrivals: counted in the test
 * process, arrival times would carry that busy process's event-loop stalls (GC of a whole Nest app),
 * which bunch requests that arrived apart and make a rate limit look broken when it is not.
 */
const SINK = `
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const arrivals = [];
const server = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(arrivals));
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let to = null;
    try { to = JSON.parse(Buffer.concat(chunks).toString()).to; } catch {}
    arrivals.push({ at, to });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: 'wamid.' + randomUUID() }] }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export class ArrivalCounter {
  private child?: ChildProcess;
  url = '';

  async start(): Promise<string> {
    const child = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`arrival counter exited with ${code}`)));
    });
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async arrivals(): Promise<Array<{ at: number; to: string | null }>> {
    return (await fetch(`${this.url}/arrivals`)).json() as Promise<Array<{ at: number; to: string | null }>>;
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}

/** The most of `times` (ms) within any sliding second. */
export function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= 1000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}
