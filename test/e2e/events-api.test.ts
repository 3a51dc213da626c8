import { EventProbe, EventProbeModule } from '../support/event-probe.module';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

describe('events API and the dead-letter queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [EventProbeModule], env: { EVENT_RETRY_SCHEDULE: '0,100ms,100ms' } });
  });
  afterAll(() => t.close());
  beforeEach(() => EventProbe.reset());

  const status = async (id: string) =>
    (await t.http().get(`/v1/events/${id}`).set(t.auth())).body.status as string;

  it('accepts an event with 202, processes it, and shows it with its attempts', async () => {
    const res = await t
      .http()
      .post('/v1/events')
      .set(t.auth())
      .send({ type: 'lead.created', data: { name: 'Ana' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'received' });
    await waitFor(async () => (await status(res.body.id)) === 'processed', 10_000, 'processed');
    const detail = await t.http().get(`/v1/events/${res.body.id}`).set(t.auth());
    expect(detail.body).toMatchObject({
      type: 'lead.created',
      source: null,
      data: { name: 'Ana' },
      attempts: 1,
    });
    expect(detail.body.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'processed' })]);
    const list = await t.http().get('/v1/events?type=lead.created&status=processed').set(t.auth());
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(res.body.id);
    const stats = await t.http().get('/v1/events/stats').set(t.auth());
    expect(stats.body.byType['lead.created']).toBeGreaterThanOrEqual(1);
  });

  it('validates events and honours Idempotency-Key', async () => {
    const bad = await t.http().post('/v1/events').set(t.auth()).send({ type: 'Lead Created', data: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['data', 'type']);
    const send = () =>
      t
        .http()
        .post('/v1/events')
        .set(t.auth())
        .set('Idempotency-Key', 'evt-1')
        .send({ type: 'payment.received', data: { amount: 10 } });
    const [a, b] = [await send(), await send()];
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotency-replayed']).toBe('true');
  });

  it('a handler that always throws makes the event dead and dead-lettered; a retry from the DLQ processes it once fixed', async () => {
    EventProbe.failTypes.add('appointment.scheduled');
    const { id } = (
      await t
        .http()
        .post('/v1/events')
        .set(t.auth())
        .send({ type: 'appointment.scheduled', data: { at: 'x' } })
    ).body as { id: string };
    await waitFor(async () => (await status(id)) === 'dead', 15_000, 'dead');
    const detail = (await t.http().get(`/v1/events/${id}`).set(t.auth())).body;
    expect(detail.attempts).toBe(3);
    expect(detail.lastError).toMatch(/probe refuses appointment.scheduled/);
    expect(detail.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);

    const dlq = await t.http().get('/v1/dlq?kind=event').set(t.auth());
    const entry = dlq.body.data.find((e: { refId: string }) => e.refId === id);
    expect(entry).toMatchObject({ kind: 'event', summary: 'appointment.scheduled', attempts: 3 });
    expect((await t.http().get('/v1/dlq/stats').set(t.auth())).body.byKind.event).toBeGreaterThanOrEqual(1);

    EventProbe.failTypes.clear(); // the handler is fixed
    expect((await t.http().post(`/v1/dlq/${entry.id}/retry`).set(t.auth())).status).toBe(202);
    await waitFor(async () => (await status(id)) === 'processed', 10_000, 'processed after retry');
    expect((await t.http().get(`/v1/events/${id}`).set(t.auth())).body.attempts).toBe(4);

    expect((await t.http().post(`/v1/dlq/${entry.id}/archive`).set(t.auth())).body.archivedAt).toEqual(
      expect.any(String),
    );
    const open = await t.http().get('/v1/dlq').set(t.auth());
    expect(open.body.data.find((e: { id: string }) => e.id === entry.id)).toBeUndefined();
    const archived = await t.http().get('/v1/dlq?archived=true').set(t.auth());
    expect(archived.body.data.find((e: { id: string }) => e.id === entry.id)).toBeDefined();
    expect((await t.http().delete(`/v1/dlq/${entry.id}`).set(t.auth())).status).toBe(204);
    expect((await t.http().post(`/v1/dlq/${entry.id}/retry`).set(t.auth())).status).toBe(404);
  });

  it('retries dead events in bulk by filter', async () => {
    EventProbe.failTypes.add('payout.created');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await t.http().post('/v1/events').set(t.auth()).send({ type: 'payout.created', data: { i } })).body
          .id,
      );
    await waitFor(
      async () => (await Promise.all(ids.map(status))).every((s) => s === 'dead'),
      15_000,
      'three dead',
    );
    EventProbe.failTypes.clear();
    const res = await t
      .http()
      .post('/v1/dlq/retry')
      .set(t.auth())
      .send({ filter: { kind: 'event' } });
    expect(res.status).toBe(202);
    expect(res.body.retried).toBeGreaterThanOrEqual(3);
    await waitFor(
      async () => (await Promise.all(ids.map(status))).every((s) => s === 'processed'),
      10_000,
      'three processed',
    );
  });
});

describe('a manual retry during a long backoff', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [EventProbeModule], env: { EVENT_RETRY_SCHEDULE: '0,1h' } });
  });
  afterAll(() => t.close());

  it('runs at once instead of waiting for the delayed retry of the previous round', async () => {
    EventProbe.reset();
    EventProbe.failTypes.add('feedback.received');
    const { id } = (
      await t.http().post('/v1/events').set(t.auth()).send({ type: 'feedback.received', data: {} })
    ).body as { id: string };
    const status = async () => (await t.http().get(`/v1/events/${id}`).set(t.auth())).body.status as string;
    await waitFor(async () => (await status()) === 'failed', 10_000, 'failed, next attempt in an hour');
    EventProbe.failTypes.clear();
    expect((await t.http().post(`/v1/events/${id}/retry`).set(t.auth())).status).toBe(202);
    await waitFor(async () => (await status()) === 'processed', 10_000, 'processed by the manual retry');
  });
});
