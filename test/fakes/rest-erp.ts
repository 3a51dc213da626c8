// Fake of a generic REST ERP / CRM / operations system: what the generic accounting adapter and
// the sync jobs talk to. Bearer token required (401); lists page with an opaque cursor and
// `limit` (≤ 500, 400 beyond) and filter by `updated_since`; a bad cursor is a 400; writes check
// required fields (422) and honour `Idempotency-Key` like Stripe (the same key answers the first
// response again without applying twice; the same key with another body is a 422). `applied`
// counts the upserts really applied per record id. Fails on demand through FakeServer.
import { bearer, FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface ErpRecord {
  id: string;
  updatedAt: string;
  [field: string]: unknown;
}

const encode = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
const decode = (cursor: string): number | undefined => {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

export class FakeRestErp extends FakeServer {
  /** Records the source side serves at GET /records (and /customers when listed). */
  readonly records: ErpRecord[] = [];
  readonly customers = new Map<string, Record<string, unknown>>();
  readonly receivables = new Map<string, Record<string, any>>();
  /** Upserts really applied, per record id (replays excluded). */
  readonly applied = new Map<string, number>();
  private readonly idempotency = new Map<string, { body: string; response: FakeResponse }>();

  constructor(private readonly token: string) {
    super();
    this.route('GET', '/records', (req) => this.guard(req, () => this.page(req, this.records)));
    this.route('GET', '/customers', (req) =>
      this.guard(req, () => this.page(req, [...this.customers.values()] as ErpRecord[])),
    );
    this.route('GET', '/customers/:id', (req) =>
      this.guard(req, () => {
        const c = this.customers.get(req.params.id);
        return c ? reply.json(c) : reply.json({ error: 'not_found' }, 404);
      }),
    );
    this.route('PUT', '/customers/:id', (req) =>
      this.guard(req, () => this.idempotent(req, () => this.putCustomer(req))),
    );
    this.route('POST', '/receivables', (req) =>
      this.guard(req, () => this.idempotent(req, () => this.postReceivable(req))),
    );
    this.route('POST', '/receivables/:id/payments', (req) =>
      this.guard(req, () => this.idempotent(req, () => this.postPayment(req))),
    );
  }

  /** `n` source records `r00001`…, all changed at `updatedAt`. */
  seed(n: number, updatedAt = '2026-12-01T00:00:00.000Z'): void {
    for (let i = 1; i <= n; i++)
      this.records.push({
        id: `r${String(i).padStart(5, '0')}`,
        name: `Cliente ${i}`,
        email: `cliente${i}@example.com`,
        updatedAt,
      });
  }

  /** How many records were applied more than once (a crash replay that leaked through). */
  duplicates(): string[] {
    return [...this.applied].filter(([, n]) => n > 1).map(([id]) => id);
  }

  override reset(): void {
    super.reset();
    this.records.length = 0;
    this.customers.clear();
    this.receivables.clear();
    this.applied.clear();
    this.idempotency.clear();
  }

  private guard(req: RecordedRequest, next: () => FakeResponse): FakeResponse {
    if (bearer(req) !== this.token) return reply.json({ error: 'unauthorized' }, 401);
    return next();
  }

  private page(req: RecordedRequest, all: ErpRecord[]): FakeResponse {
    const limit = Number(req.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return reply.json({ error: 'limit must be an integer from 1 to 500' }, 400);
    let offset = 0;
    if (req.query.cursor !== undefined) {
      const o = decode(String(req.query.cursor));
      if (o === undefined) return reply.json({ error: 'invalid cursor' }, 400);
      offset = o;
    }
    const since = req.query.updated_since;
    const rows = since ? all.filter((r) => String(r.updatedAt) > String(since)) : all;
    const data = rows.slice(offset, offset + limit);
    const next = offset + limit < rows.length ? encode(offset + limit) : null;
    return reply.json({ data, nextCursor: next });
  }

  private idempotent(req: RecordedRequest, apply: () => FakeResponse): FakeResponse {
    const key = req.headers['idempotency-key'];
    if (!key) return apply();
    const body = req.rawBody.toString('utf8');
    const seen = this.idempotency.get(key);
    if (seen) {
      if (seen.body !== body) return reply.json({ error: 'idempotency key reused with another body' }, 422);
      return { ...seen.response, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } };
    }
    const response = apply();
    if (response.status < 500) this.idempotency.set(key, { body, response });
    return response;
  }

  private count(id: string): void {
    this.applied.set(id, (this.applied.get(id) ?? 0) + 1);
  }

  private putCustomer(req: RecordedRequest): FakeResponse {
    const b = req.body;
    if (!b || typeof b !== 'object' || typeof b.name !== 'string' || !b.name)
      return reply.json({ error: 'name is required' }, 422);
    const id = req.params.id;
    const created = !this.customers.has(id);
    this.customers.set(id, { ...b, id, updatedAt: new Date().toISOString() });
    this.count(id);
    return reply.json({ id, created }, created ? 201 : 200);
  }

  private postReceivable(req: RecordedRequest): FakeResponse {
    const b = req.body ?? {};
    for (const f of ['id', 'customerId', 'amount', 'dueDate'])
      if (b[f] === undefined) return reply.json({ error: `${f} is required` }, 422);
    if (!this.customers.has(b.customerId)) return reply.json({ error: 'unknown customer' }, 422);
    this.receivables.set(b.id, { ...b, status: 'open', payments: [] });
    this.count(b.id);
    return reply.json({ id: `rcv-${b.id}` }, 201);
  }

  private postPayment(req: RecordedRequest): FakeResponse {
    const r = this.receivables.get(req.params.id);
    if (!r) return reply.json({ error: 'receivable not found' }, 404);
    const b = req.body ?? {};
    if (typeof b.id !== 'string' || typeof b.amount !== 'number')
      return reply.json({ error: 'id and amount are required' }, 422);
    r.payments.push(b);
    if (r.payments.reduce((s: number, p: { amount: number }) => s + p.amount, 0) >= r.amount)
      r.status = 'paid';
    this.count(b.id);
    return reply.json({ id: `pay-${b.id}`, status: r.status }, 201);
  }
}
