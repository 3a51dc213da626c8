import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The receiving end of Meta sends for benchmarks: answers like the Graph API, records when each
 * message arrived and to whom (duplicates show as a recipient seen twice). Lighter than the test
 * fake on purpose: its own cost must not shape the figures.
 */
export class MetaSink {
  readonly arrivals: number[] = [];
  /** When the first message to each recipient (digits, as Meta's `to`) arrived. */
  readonly firstArrival = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        this.arrivals.push(at);
        const to = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: string }).to);
        this.seen.set(to, (this.seen.get(to) ?? 0) + 1);
        if (!this.firstArrival.has(to)) this.firstArrival.set(to, at);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: to, wa_id: to }],
            messages: [{ id: `wamid.${randomUUID()}` }],
          }),
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get duplicates(): number {
    return [...this.seen.values()].filter((n) => n > 1).length;
  }

  /** Most arrivals within any sliding second. */
  peakPerSecond(): number {
    const sorted = [...this.arrivals].sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while (sorted[j] - sorted[i] >= 1000) i++;
      peak = Math.max(peak, j - i + 1);
    }
    return peak;
  }

  /** The longest silences between consecutive arrivals, longest first: where an average is lost. */
  longestGaps(count = 5): Array<{ ms: number; afterSecond: number }> {
    const sorted = [...this.arrivals].sort((a, b) => a - b);
    return sorted
      .slice(1)
      .map((t, i) => ({
        ms: Math.round(t - sorted[i]),
        afterSecond: +((sorted[i] - sorted[0]) / 1000).toFixed(1),
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, count);
  }

  /**
   * Fewest arrivals within any sliding second from the first arrival to the last one a second
   * before the end: where the sends fell behind the limit (a stall, missed slots).
   */
  fewestPerSecond(): number {
    const sorted = [...this.arrivals].sort((a, b) => a - b);
    let fewest = Infinity;
    for (let i = 0, j = 0; i < sorted.length && sorted[i] + 1000 <= sorted[sorted.length - 1]; i++) {
      while (j < sorted.length && sorted[j] - sorted[i] < 1000) j++;
      fewest = Math.min(fewest, j - i);
    }
    return Number.isFinite(fewest) ? fewest : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
