import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeTwilio } from '../fakes/twilio-rest';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

const META = { accessToken: 'EAAG-circuit-token', phoneNumberId: '3003' };
const TWILIO = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'twilio-circuit-token' };

describe('a circuit breaker per provider', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const twilioFake = new FakeTwilio(TWILIO);
  let n = 0;

  beforeAll(async () => {
    delete process.env.TWILIO_EDGE;
    delete process.env.TWILIO_REGION;
    await Promise.all([meta.start(), twilioFake.start()]);
    t = await startTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        NOTIFICATION_RETRY_SCHEDULE: '50ms',
        PROVIDER_BREAKER_VOLUME: '3',
        PROVIDER_BREAKER_ERROR_PERCENT: '50',
        // Long enough for the open circuit to outlast a send on a loaded machine; the probe stage
        // waits for half-open rather than sleeping through it.
        PROVIDER_BREAKER_RESET_MS: '8000',
      },
    });
    for (const body of [
      { kind: 'meta', priority: 1, config: { ...META, baseUrl: meta.url } },
      { kind: 'twilio', priority: 2, config: { ...TWILIO, from: '+14155238886', baseUrl: twilioFake.url } },
    ]) {
      const res = await t
        .http()
        .post('/v1/providers')
        .set(t.auth())
        .send({ channel: 'whatsapp', name: body.kind, ...body });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([meta.stop(), twilioFake.stop()]);
  });

  const send = async () => {
    const res = await t
      .http()
      .post('/v1/notifications')
      .set(t.auth())
      .send({
        to: { phone: `+55319${String(60000000 + ++n)}` },
        channels: ['whatsapp'],
        template: 'lead-welcome',
        data: { name: 'Ana', businessName: 'Clínica' },
      });
    return res.body.id as string;
  };
  const sent = (id: string) =>
    waitFor(
      async () => {
        const x = (await t.http().get(`/v1/notifications/${id}`).set(t.auth())).body;
        return x.status === 'sent' && x;
      },
      15_000,
      `notification ${id} sent`,
    );
  const circuits = async () =>
    Object.values(
      (await t.http().get('/health/detailed').set(t.auth())).body.providerCircuits as Record<
        string,
        { kind: string; state: string }
      >,
    );

  it('opens after repeated failures, sends straight to the next provider, closes after a good probe', async () => {
    const stop = meta.failWhen(() => true, { status: 503, body: { error: { message: 'down', code: 2 } } });
    // two notifications, each failing twice on Meta (a call and a retry) before Twilio: the circuit opens
    for (const id of [await send(), await send()]) expect((await sent(id)).providerKind).toBe('twilio');
    expect(await circuits()).toEqual(expect.arrayContaining([{ kind: 'meta', state: 'open' }]));
    const metaCalls = meta.requests().length;

    const skipped = await sent(await send());
    expect(skipped.attemptLog.map((a: { providerKind: string }) => a.providerKind)).toEqual(['twilio']);
    expect(meta.requests()).toHaveLength(metaCalls);
    const metrics = (await t.http().get('/metrics').set(t.auth())).text;
    expect(metrics).toMatch(/ponte_provider_circuit_state\{provider="[^"]+",kind="meta"\} 2/);

    stop();
    // After the reset timeout the circuit is half-open: the next call is a probe.
    await waitFor(
      async () => (await circuits()).some((c) => c.kind === 'meta' && c.state === 'halfOpen'),
      30_000,
      'the Meta circuit half-open',
    );
    const probe = await sent(await send());
    expect(probe.attemptLog.map((a: { providerKind: string }) => a.providerKind)).toEqual(['meta']);
    expect(await circuits()).toEqual(expect.arrayContaining([{ kind: 'meta', state: 'closed' }]));
  });
});
