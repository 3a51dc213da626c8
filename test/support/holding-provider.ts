import { ChildProcess, spawn } from 'node:child_process';

/**
 * A Meta-shaped provider in a process of its own that can hold its replies: it answers the first
 * `answerFirst` messages at once, then keeps every later request open (the caller waits, as on a
 * slow provider) until `release()`. A message counts as taken (`accepted`, by the notification id
 * Meta carries as `biz_opaque_callback_data`) when its answer is written: a held request whose
 * caller vanished (killed) was never answered, so the provider did not take it. `received` counts
 * every request, answered or not.
 */
const SINK = `
const http = require('node:http');
const { randomUUID } = require('node:crypto');
let answerFirst = Number(process.argv[1]);
const received = {};
const accepted = {};
const held = new Set();
let answered = 0;
function answer(res, id, to) {
  if (res.destroyed || res.writableEnded) return;
  answered++;
  accepted[id] = (accepted[id] || 0) + 1;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: 'wamid.' + randomUUID() }] }));
}
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ received, accepted, held: held.size }));
  }
  if (req.url === '/release') {
    answerFirst = Infinity;
    for (const h of held) answer(h.res, h.id, h.to);
    held.clear();
    return res.end('{}');
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const id = body.biz_opaque_callback_data;
    received[id] = (received[id] || 0) + 1;
    if (answered < answerFirst) return answer(res, id, body.to);
    const h = { res, id, to: body.to };
    held.add(h);
    res.on('close', () => held.delete(h));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export interface HeldState {
  received: Record<string, number>;
  accepted: Record<string, number>;
  held: number;
}

export class HoldingProvider {
  private child?: ChildProcess;
  url = '';

  async start(answerFirst: number): Promise<string> {
    const child = spawn(process.execPath, ['-e', SINK, String(answerFirst)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`holding provider exited with ${code}`)));
    });
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async state(): Promise<HeldState> {
    return (await fetch(`${this.url}/state`)).json() as Promise<HeldState>;
  }

  /** Answers what it holds (callers still waiting) and everything from now on. */
  async release(): Promise<void> {
    await (await fetch(`${this.url}/release`, { method: 'POST' })).arrayBuffer();
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}
