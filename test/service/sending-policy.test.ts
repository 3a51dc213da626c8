import { DlqService } from '../../src/events/dlq/dlq.service';
import { ProvidersService } from '../../src/notifications/providers/providers.service';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import type { Principal } from '../../src/platform/http/principal';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeTwilio } from '../fakes/twilio-rest';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The sending policy as a service (NotificationsService, the sender behind its queue), on the real
 * PostgreSQL and Redis and faithful fake providers: no HTTP in between.
 */
const META = { accessToken: 'EAAG-service-token', phoneNumberId: '106540352242922' };
const TWILIO = { accountSid: `AC${'b2'.repeat(16)}`, authToken: 'twilio-service-token' };
const TEMPLATE = { template: 'lead-welcome', data: { name: 'Ana', businessName: 'Clínica' } };

describe('sending policy (service tier)', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const twilio = new FakeTwilio(TWILIO);
  let phones = 0;
  const phone = () => `+55319${String(70000000 + ++phones)}`;

  beforeAll(async () => {
    await Promise.all([meta.start(), twilio.start()]);
    t = await startTestApp({ env: { NOTIFICATION_RETRY_SCHEDULE: '100ms,100ms' } });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([meta.stop(), twilio.stop()]);
  });

  /** A workspace of its own with Meta first, then Twilio, on WhatsApp. */
  async function workspace(): Promise<Principal> {
    const { caller } = await newWorkspaceCaller(t, 'svc');
    const providers = t.app.get(ProvidersService);
    await providers.create(caller, {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      priority: 1,
      config: { ...META, apiVersion: 'v23.0', baseUrl: meta.url },
    } as never);
    await providers.create(caller, {
      channel: 'whatsapp',
      kind: 'twilio',
      name: 'Twilio',
      priority: 2,
      config: { ...TWILIO, from: '+14155238886', baseUrl: twilio.url },
    } as never);
    return caller;
  }

  const until = (caller: Principal, id: string, status: string) =>
    waitFor(
      async () => {
        const n = await t.app.get(NotificationsService).get(caller, id);
        return n.status === status && n;
      },
      20_000,
      `notification ${id} ${status}`,
    );

  it('a permanent failure moves to the next provider of the channel, once', async () => {
    const caller = await workspace();
    const to = phone();
    meta.permanentFailureFor(to.slice(1), 131026);
    const { id } = await t.app
      .get(NotificationsService)
      .sendFor(caller.workspaceId, { to: { phone: to }, channels: ['whatsapp'], ...TEMPLATE } as never);
    const n = await until(caller, id, 'sent');
    expect(n.attemptLog.map((a) => [a.providerKind, a.status])).toEqual([
      ['meta', 'failed'],
      ['twilio', 'sent'],
    ]);
    expect(meta.requests((r) => r.body?.to === to.slice(1))).toHaveLength(1);
  });

  it('transient failures retry the same provider on the schedule; none left → failed and dead-lettered', async () => {
    const caller = await workspace();
    const to = phone();
    const stopMeta = meta.failWhen((r) => r.body?.to === to.slice(1), { status: 503 });
    const stopTwilio = twilio.failWhen((r) => r.body?.To === `whatsapp:${to}` || r.body?.To === to, {
      status: 500,
      body: { code: 20500, message: 'down', status: 500 },
    });
    try {
      const { id } = await t.app
        .get(NotificationsService)
        .sendFor(caller.workspaceId, { to: { phone: to }, channels: ['whatsapp'], ...TEMPLATE } as never);
      const n = await until(caller, id, 'failed');
      // 1 + 2 retries on each of the two providers, in priority order
      expect(n.attemptLog.map((a) => a.providerKind)).toEqual([
        'meta',
        'meta',
        'meta',
        'twilio',
        'twilio',
        'twilio',
      ]);
      // dead-lettered just after the status is written (observers of the status run in between)
      const dlq = await waitFor(
        async () => {
          const page = await t.app.get(DlqService).list(caller, { kind: 'notification' } as never);
          return page.data.length > 0 && page;
        },
        30_000,
        'the DLQ entry',
      );
      expect(dlq.data).toEqual([expect.objectContaining({ kind: 'notification', refId: id })]);
    } finally {
      stopMeta();
      stopTwilio();
    }
  });
});
