import { DataSource } from 'typeorm';
import { EVENT_LEASE_SECONDS } from '../../src/events/processing/events-here';
import { EventRecord } from '../../src/events/store/event.entity';

/** The webhooks' own events (each first message also opens a conversation: another event). */
const MESSAGES = 'whatsapp.message.received';
import { EventProbe, EventProbeModule } from '../support/event-probe.module';
import { PrivateRedis, waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { startTestApp, TestApp } from '../support/test-app';

describe('Redis stopped and wiped: acknowledged webhooks are not lost', () => {
  const redis = new PrivateRedis();
  let t: TestApp;
  beforeAll(async () => {
    await redis.start();
    t = await startTestApp({
      imports: [EventProbeModule],
      env: { REDIS_URL: redis.url, OUTBOX_RELAY_INTERVAL_MS: '1000' },
    });
    await t
      .http()
      .post('/v1/sources')
      .set(t.auth())
      .send({ name: 'm', slug: 'meta', kind: 'meta', config: { appSecret: 's', verifyToken: 'v' } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers 200 while Redis is down, then processes every event exactly once when it returns', async () => {
    EventProbe.reset();
    await redis.stop(); // it keeps nothing on disk: the restart below is a Redis wiped clean
    const bodies = Array.from({ length: 200 }, (_, i) => metaTextMessage({ id: `wamid.OUTAGE-${i}` }));
    const answers = await Promise.all(
      bodies.map((b) =>
        t
          .http()
          .post('/webhooks/meta')
          .set({ 'content-type': 'application/json', 'x-hub-signature-256': sign.meta('s', b) })
          .send(b),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    // and the API says what it cannot do
    expect((await t.http().get('/health/ready')).status).toBe(503);

    await redis.start();
    const repo = t.app.get(DataSource).getRepository(EventRecord);
    // A run cut short by the outage is offered again once its lease has run out (60 s) and the
    // relay's next sweep: the wait covers that, and a failure says where the events stand.
    await waitFor(
      async () => (await repo.countBy({ status: 'processed', type: MESSAGES })) === 200,
      EVENT_LEASE_SECONDS * 1000 + 60_000,
      '200 processed events',
    ).catch(async (err: Error) => {
      const left = await t.app
        .get(DataSource)
        .query(`SELECT status, job_id IS NOT NULL AS carried, count(*)::int AS n FROM events GROUP BY 1, 2`);
      throw new Error(`${err.message}; events by status: ${JSON.stringify(left)}`);
    });
    const events = await repo.findBy({ type: MESSAGES });
    expect(events).toHaveLength(200);
    for (const e of events) {
      expect(EventProbe.calls.get(e.id)).toBe(1);
      expect(e.attemptLog.filter((a) => a.outcome === 'processed')).toHaveLength(1);
    }
  }, 180_000);
});
