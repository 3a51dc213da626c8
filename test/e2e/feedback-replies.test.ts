import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { waitFor } from '../support/private-redis';
import { metaTextMessage, sign } from '../support/signers';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-feedback-token', phoneNumberId: '6006' };
const APP_SECRET = 'feedback-meta-app-secret';
const HOUR = 3600_000;

describe('feedback replies: a reply to the service-completed-feedback request becomes feedback.received', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  let n = 0;
  const phone = () => `+55319${String(80000000 + ++n)}`;

  beforeAll(async () => {
    await meta.start();
    t = await startListeningApp({ NOTIFICATION_RETRY_SCHEDULE: '200ms' });
  });
  afterAll(async () => {
    await t.close();
    await meta.stop();
  });
  afterEach(() => t.clock.reset());

  const sentTo = (to: string) =>
    meta.sentMessages().filter((m) => m.to.replace('+', '') === to.replace('+', ''));

  const setup = async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { ...META, baseUrl: meta.url },
    });
    const hook = await ws.source('meta', { appSecret: APP_SECRET, verifyToken: 'feedback-verify' });
    const wf = await ws.post('/v1/workflows/from-template', { template: 'service-completed-feedback' });
    expect(wf.status).toBe(201);
    const events = async (type: string) => (await ws.get(`/v1/events?type=${type}`)).body.data as any[];
    const reply = async (to: string, text: string) => {
      const body = metaTextMessage({ from: to.replace('+', ''), text });
      const res = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign.meta(APP_SECRET, body) },
        body,
      });
      expect(res.status).toBe(200);
    };
    const processedReplies = async (count: number) =>
      waitFor(
        async () => {
          const list = await events('whatsapp.message.received');
          return list.length === count && list.every((e) => e.status === 'processed') && list;
        },
        10_000,
        `${count} processed replies`,
      );
    return { ...ws, events, reply, processedReplies };
  };

  /** service.completed → completion message → 2 h later (clock moved, timer run) the feedback request. */
  const serviceWithFeedbackRequest = async (ws: Awaited<ReturnType<typeof setup>>, to: string) => {
    const res = await ws.post('/v1/events', {
      type: 'service.completed',
      data: {
        name: 'Maria Souza',
        phone: to,
        service: 'Limpeza de pele',
        feedbackUrl: 'https://ponte.test/f/1',
        appointmentId: 'apt-42',
      },
    });
    expect(res.status).toBe(202);
    const serviceEventId = res.body.id as string;
    await waitFor(async () => sentTo(to).length === 1, 10_000, 'the completion message');
    // The message can reach the provider before the run parks: the clock moves once it has.
    const queue = t.app.get(JobQueue).queue(QueueName.Workflows);
    const job = await waitFor(
      async () => (await queue.getDelayed())[0] as Job | undefined,
      15_000, // the run parks after its send: seconds on a loaded machine
      'the 2 h timer',
    );
    t.clock.advance(2 * HOUR);
    await job.promote();
    await waitFor(async () => sentTo(to).length === 2, 10_000, 'the feedback request on WhatsApp');
    expect(sentTo(to)[1].body.template.name).toBe('feedback_request');
    const requestedAt = t.clock.now();
    // Recorded by the send's observer, right after the provider accepted it.
    const db = t.app.get(DataSource);
    await waitFor(
      async () =>
        (await db.query('SELECT 1 FROM feedback_requests WHERE service_event_id = $1', [serviceEventId]))
          .length === 1,
      10_000,
      'the feedback request recorded',
    );
    return { serviceEventId, requestedAt };
  };

  it('"nota 9, adorei" two hours after the service → feedback.received with score 9, once', async () => {
    const ws = await setup();
    const to = phone();
    t.clock.freeze('2026-12-01T13:00:00.000Z');
    const { serviceEventId } = await serviceWithFeedbackRequest(ws, to);

    t.clock.advance(10 * 60_000);
    await ws.reply(to, 'nota 9, adorei');
    const [feedback] = await waitFor(
      async () => {
        const list = await ws.events('feedback.received');
        return list.length === 1 && list;
      },
      10_000,
      'feedback.received',
    );
    const [received] = await ws.processedReplies(1);
    expect(feedback.data).toEqual({
      score: 9,
      scale: 10,
      text: 'nota 9, adorei',
      contactId: received.data.contactId,
      serviceEventId,
      appointmentId: 'apt-42',
      service: 'Limpeza de pele',
      requestedAt: '2026-12-01T15:00:00.000Z',
      replyEventId: received.id,
      conversationId: received.data.conversationId,
    });
    expect(received.data.contactId).toEqual(expect.any(String));

    // A later message is an ordinary one: no second feedback for the same request.
    t.clock.advance(60_000);
    await ws.reply(to, '10! obrigada de novo');
    await ws.processedReplies(2);
    expect(await ws.events('feedback.received')).toHaveLength(1);
  });

  it('a reply after the window, or from a contact never asked, is an ordinary message', async () => {
    const ws = await setup();
    const asked = phone();
    const stranger = phone();
    t.clock.freeze('2026-12-01T13:00:00.000Z');
    await serviceWithFeedbackRequest(ws, asked);
    await ws.reply(stranger, 'nota 10');
    t.clock.advance(8 * 24 * HOUR);
    await ws.reply(asked, 'nota 3');
    await ws.processedReplies(2);
    expect(await ws.events('feedback.received')).toHaveLength(0);
  });

  it('a text reply with no score still answers the request, as a comment with score null', async () => {
    const ws = await setup();
    const to = phone();
    t.clock.freeze('2026-12-02T13:00:00.000Z');
    await serviceWithFeedbackRequest(ws, to);
    t.clock.advance(3 * HOUR);
    await ws.reply(to, 'A atendente foi muito atenciosa');
    const [feedback] = await waitFor(
      async () => {
        const list = await ws.events('feedback.received');
        return list.length === 1 && list;
      },
      10_000,
      'feedback.received',
    );
    expect(feedback.data).toMatchObject({
      score: null,
      scale: null,
      text: 'A atendente foi muito atenciosa',
    });
  });

  it('two replies arriving at once answer the request once', async () => {
    const ws = await setup();
    const to = phone();
    t.clock.freeze('2026-12-03T13:00:00.000Z');
    await serviceWithFeedbackRequest(ws, to);
    t.clock.advance(HOUR);
    await Promise.all([ws.reply(to, 'nota 10'), ws.reply(to, 'excelente'), ws.reply(to, '👍')]);
    await ws.processedReplies(3);
    const feedback = await ws.events('feedback.received');
    expect(feedback).toHaveLength(1);
    expect(['nota 10', 'excelente', '👍']).toContain(feedback[0].data.text);
  });
});
