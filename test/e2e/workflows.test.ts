import { Job } from 'bullmq';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { FakeMetaGraph } from '../fakes/meta-graph';
import { FakeSmtp } from '../fakes/smtp';
import { waitFor } from '../support/private-redis';
import { sign } from '../support/signers';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

const META = { accessToken: 'EAAG-wf-token', phoneNumberId: '5005' };
const SMTP = { user: 'wf-mailer', pass: 'wf-mail-pass' };

describe('workflows: definitions, built-ins, durable executions', () => {
  let t: TestApp;
  const meta = new FakeMetaGraph(META);
  const smtp = new FakeSmtp(SMTP);
  let smtpAt: { host: string; port: number };
  let n = 0;
  const phone = () => `+55319${String(70000000 + ++n)}`;

  beforeAll(async () => {
    await meta.start();
    smtpAt = await smtp.start();
    t = await startListeningApp({ NOTIFICATION_RETRY_SCHEDULE: '200ms' });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([meta.stop(), smtp.stop()]);
  });
  afterEach(() => t.clock.reset());

  const setup = async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta',
      config: { ...META, baseUrl: meta.url },
    });
    await ws.provider({
      channel: 'email',
      kind: 'smtp',
      name: 'SMTP',
      config: { ...smtpAt, secure: false, ...SMTP, from: 'Ponte <no-reply@ponte.test>' },
    });
    const patch = (path: string, body: object) => t.http().patch(path).set(t.auth(ws.key)).send(body);
    const event = async (type: string, data: object) => {
      const r = await ws.post('/v1/events', { type, data });
      expect(r.status).toBe(202);
      const id = r.body.id as string;
      await waitFor(
        async () => (await ws.get(`/v1/events/${id}`)).body.status === 'processed',
        10_000,
        `${type}`,
      );
      return id;
    };
    const executions = async (workflowId: string) =>
      (await ws.get(`/v1/workflows/${workflowId}/executions`)).body.data as any[];
    const execution = (id: string) => ws.get(`/v1/executions/${id}`).then((r) => r.body);
    const executionWhere = (id: string, ok: (e: any) => boolean, what: string, ms = 10_000) =>
      waitFor(
        async () => {
          const e = await execution(id);
          return ok(e) && e;
        },
        ms,
        what,
      );
    return { ...ws, patch, event, executions, execution, executionWhere };
  };

  const sentTo = (to: string) =>
    meta.sentMessages().filter((m) => m.to.replace('+', '') === to.replace('+', ''));

  /** The timer of a waiting execution, run now (BullMQ waits real time; the app's clock was moved). */
  const promote = async (executionId: string) => {
    const queue = t.app.get(JobQueue).queue(QueueName.Workflows);
    const job = await waitFor(
      async () =>
        (await queue.getDelayed()).find(
          (j: Job) => (j.data as { executionId: string }).executionId === executionId,
        ),
      5000,
      'the delayed job',
    );
    await job.promote();
  };

  it('service.completed by signed Standard Webhook → completion on WhatsApp → after the delay feedback on WhatsApp and e-mail', async () => {
    const ws = await setup();
    const created = await ws.post('/v1/workflows/from-template', {
      template: 'service-completed-feedback',
      overrides: { steps: { wait: { duration: 'PT2S' } } },
    });
    expect(created.status).toBe(201);
    expect(created.body.steps.map((s: any) => s.id)).toEqual(['notify-completed', 'wait', 'ask-feedback']);
    const hook = await ws.source('standard', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    const to = phone();
    const body = JSON.stringify({
      type: 'service.completed',
      timestamp: new Date().toISOString(),
      data: {
        name: 'Maria Souza',
        phone: to,
        email: 'maria@example.com',
        service: 'Limpeza de pele',
        feedbackUrl: 'https://ponte.test/f/1',
      },
    });
    const res = await fetch(hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...sign.standard('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', body),
      },
      body,
    });
    expect(res.status).toBe(200);

    await waitFor(async () => sentTo(to).length === 1, 10_000, 'the completion message');
    expect(sentTo(to)[0].body.template.name).toBe('service_completed');
    const [exec] = await waitFor(
      async () => {
        const list = await ws.executions(created.body.id);
        return list.length === 1 && list;
      },
      5000,
      'the execution',
    );
    const started = Date.now();
    await waitFor(async () => sentTo(to).length === 2, 10_000, 'the feedback request on WhatsApp');
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(sentTo(to)[1].body.template.name).toBe('feedback_request');
    await waitFor(
      async () => smtp.messages().some((m) => m.to.includes('maria@example.com')),
      10_000,
      'the feedback request by e-mail',
    );
    const done = await ws.executionWhere(exec.id, (e) => e.status === 'succeeded', 'succeeded');
    expect(done.steps).toEqual([
      expect.objectContaining({ id: 'notify-completed', status: 'succeeded', error: null }),
      expect.objectContaining({
        id: 'wait',
        status: 'succeeded',
        output: expect.objectContaining({ wakeAt: expect.any(String) }),
      }),
      expect.objectContaining({ id: 'ask-feedback', status: 'succeeded' }),
    ]);
    expect(done.steps[2].output.notifications).toHaveLength(2);
    for (const s of done.steps) expect(s.startedAt && s.finishedAt).toBeTruthy();
    // The event detail lists the execution it started.
    const detail = (await ws.get(`/v1/events/${done.triggerEventId}`)).body;
    expect(detail.executions).toEqual([expect.objectContaining({ id: exec.id, status: 'succeeded' })]);
  });

  describe('appointment-reminders (clock controlled)', () => {
    const appointment = (to: string, startsAt: Date, appointmentId = `apt-${n}`) => ({
      appointmentId,
      name: 'João Lima',
      phone: to,
      service: 'Consulta',
      startsAt: startsAt.toISOString(),
    });

    it('25 h ahead: reminders 24 h and 1 h before', async () => {
      const ws = await setup();
      const wf = (await ws.post('/v1/workflows/from-template', { template: 'appointment-reminders' })).body;
      t.clock.freeze('2026-11-23T12:00:00.000Z');
      const to = phone();
      const contact = (await ws.post('/v1/contacts', { phone: to, name: 'João Lima' })).body;
      const startsAt = new Date('2026-11-24T13:00:00.000Z');
      await ws.event('appointment.scheduled', appointment(to, startsAt));
      const [exec] = await ws.executions(wf.id);
      const waiting = await ws.executionWhere(
        exec.id,
        (e) => e.status === 'waiting',
        'waiting for 24 h before',
      );
      expect(waiting.wakeAt).toBe('2026-11-23T13:00:00.000Z');
      // Found by the walk (no filter needed it at the start) and stored with the wait.
      expect(waiting.contactId).toBe(contact.id);
      expect(sentTo(to)).toHaveLength(0);

      t.clock.freeze('2026-11-23T13:00:01.000Z');
      await promote(exec.id);
      await waitFor(async () => sentTo(to).length === 1, 10_000, 'the 24 h reminder');
      expect(sentTo(to)[0].body.template.name).toBe('appointment_reminder_24h');
      const second = await ws.executionWhere(
        exec.id,
        (e) => e.status === 'waiting' && e.wakeAt === '2026-11-24T12:00:00.000Z',
        'waiting for 1 h before',
      );
      expect(second.steps.map((s: any) => s.status)).toEqual([
        'succeeded',
        'succeeded',
        'running',
        'pending',
      ]);

      t.clock.freeze('2026-11-24T12:00:01.000Z');
      await promote(exec.id);
      await waitFor(async () => sentTo(to).length === 2, 10_000, 'the 1 h reminder');
      expect(sentTo(to)[1].body.template.name).toBe('appointment_reminder_1h');
      await ws.executionWhere(exec.id, (e) => e.status === 'succeeded', 'succeeded');
    });

    it('appointment.cancelled first → no reminder; appointment.rescheduled → the reminders move', async () => {
      const ws = await setup();
      const wf = (await ws.post('/v1/workflows/from-template', { template: 'appointment-reminders' })).body;
      t.clock.freeze('2026-11-23T12:00:00.000Z');
      const cancelledPhone = phone();
      await ws.event(
        'appointment.scheduled',
        appointment(cancelledPhone, new Date('2026-11-24T13:00:00Z'), 'apt-c'),
      );
      const movedPhone = phone();
      await ws.event(
        'appointment.scheduled',
        appointment(movedPhone, new Date('2026-11-24T13:00:00Z'), 'apt-m'),
      );
      const before = await ws.executions(wf.id);
      expect(before.map((e) => e.status)).toEqual(['waiting', 'waiting']);

      await ws.event('appointment.cancelled', { appointmentId: 'apt-c' });
      await ws.event(
        'appointment.rescheduled',
        appointment(movedPhone, new Date('2026-11-25T13:00:00Z'), 'apt-m'),
      );
      const after = await ws.executions(wf.id);
      expect(after).toHaveLength(3);
      const [moved, ...old] = after; // newest first
      expect(old.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
      const cancelled = await ws.execution(old[1].id);
      expect(cancelled.error).toMatch(/appointment.cancelled/);
      expect(cancelled.steps[0].status).toBe('cancelled');
      expect((await ws.executionWhere(moved.id, (e) => e.status === 'waiting', 'moved')).wakeAt).toBe(
        '2026-11-24T13:00:00.000Z',
      );

      // The old timers fire and do nothing; the moved one reminds at its new time.
      t.clock.freeze('2026-11-24T13:00:01.000Z');
      const queue = t.app.get(JobQueue).queue(QueueName.Workflows);
      for (const job of await queue.getDelayed()) await job.promote().catch(() => undefined);
      await waitFor(async () => sentTo(movedPhone).length === 1, 10_000, 'the moved 24 h reminder');
      await new Promise((r) => setTimeout(r, 500));
      expect(sentTo(cancelledPhone)).toHaveLength(0);
      expect(sentTo(movedPhone)).toHaveLength(1);
    });
  });

  it("without a filter the walk finds the event's contact and the execution's finish stores it", async () => {
    const ws = await setup();
    const wf = await ws.post('/v1/workflows', {
      key: 'paid-tag',
      name: 'Tag who paid',
      trigger: { event: 'order.paid' },
      steps: [{ id: 'tag', type: 'action', name: 'contact.tag', input: '{"tags": ["paid"]}' }],
    });
    expect(wf.status).toBe(201);
    const to = phone();
    const contact = (await ws.post('/v1/contacts', { phone: to, name: 'Bia' })).body;
    await ws.event('order.paid', { phone: to, total: 90 });
    const [exec] = await ws.executions(wf.body.id);
    const done = await ws.executionWhere(exec.id, (e) => e.status === 'succeeded', 'succeeded');
    expect(done.contactId).toBe(contact.id);
    expect(done.steps[0].output).toEqual({ contactId: contact.id, tags: ['paid'] });
    expect((await ws.get(`/v1/contacts/${contact.id}`)).body.tags).toEqual(['paid']);
  });

  it('a false filter starts nothing; a JSONata error fails the step with its message, and a retry resumes there', async () => {
    const ws = await setup();
    const wf = await ws.post('/v1/workflows', {
      key: 'vip-orders',
      name: 'Tag VIP orders',
      trigger: { event: 'order.created', filter: 'event.data.total > 100' },
      steps: [
        {
          id: 'check',
          type: 'branch',
          if: 'event.data.total > 1000',
          then: [{ id: 'big', type: 'emit', event: 'order.big' }],
        },
        {
          id: 'tag',
          type: 'action',
          name: 'contact.tag',
          input: '{"tags": ["score-" & $string($number(contact.attributes.score))]}',
        },
      ],
    });
    expect(wf.status).toBe(201);
    const contact = (
      await ws.post('/v1/contacts', { phone: phone(), name: 'Ana', attributes: { score: 'abc' } })
    ).body;
    await ws.event('order.created', { total: 50, contactId: contact.id });
    expect(await ws.executions(wf.body.id)).toHaveLength(0);

    await ws.event('order.created', { total: 150, contactId: contact.id });
    const [exec] = await ws.executions(wf.body.id);
    const failed = await ws.executionWhere(exec.id, (e) => e.status === 'failed', 'failed');
    expect(failed.failedStep).toBe('tag');
    expect(failed.steps).toEqual([
      expect.objectContaining({ id: 'check', status: 'succeeded', output: { result: false } }),
      expect.objectContaining({ id: 'big', status: 'skipped' }),
      expect.objectContaining({
        id: 'tag',
        status: 'failed',
        error: expect.stringMatching(/^input: .*number/i),
      }),
    ]);
    expect(failed.error).toMatch(/^tag: input: /);

    await ws.patch(`/v1/contacts/${contact.id}`, { attributes: { score: '7' } }).expect(200);
    const retried = await ws.post(`/v1/executions/${exec.id}/retry`, {});
    expect(retried.status).toBe(200);
    const ok = await ws.executionWhere(exec.id, (e) => e.status === 'succeeded', 'succeeded after retry');
    expect(ok.steps[2]).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect((await ws.get(`/v1/contacts/${contact.id}`)).body.tags).toEqual(['score-7']);
    expect((await ws.post(`/v1/executions/${exec.id}/retry`, {})).body.code).toBe('EXECUTION_NOT_RETRYABLE');
  });

  it('validation on save names each bad field by its step path; changes are new versions', async () => {
    const ws = await setup();
    const bad = await ws.post('/v1/workflows', {
      key: 'bad',
      name: 'Bad',
      trigger: { event: 'lead.created', filter: 'event.data.(' },
      steps: [
        { id: 'a', type: 'teleport' },
        { id: 'a', type: 'delay', duration: '2 hours' },
        {
          id: 'b',
          type: 'branch',
          if: 'true',
          then: [
            {
              id: 'c',
              type: 'notify',
              channels: ['whatsapp'],
              to: '{"phone": "1"}',
              template: 'no-such-template',
            },
            { id: 'd', type: 'webhook', endpointId: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' },
          ],
        },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('WORKFLOW_INVALID');
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(
      [
        'steps.0.type',
        'steps.1.duration',
        'steps.1.id',
        'steps.2.then.0.template',
        'steps.2.then.1.endpointId',
        'trigger.filter',
      ].sort(),
    );
    const cron = await ws.post('/v1/workflows', {
      key: 'bad-cron',
      name: 'Bad cron',
      trigger: { schedule: { cron: 'every minute' } },
      steps: [],
    });
    expect(cron.body.errors).toEqual([expect.objectContaining({ field: 'trigger.schedule.cron' })]);

    const templates = (await ws.get('/v1/workflow-templates')).body.data.map((x: any) => x.key);
    expect(templates).toEqual([
      'lead-welcome',
      'client-registered',
      'service-completed-feedback',
      'appointment-reminders',
      'appointment-booking',
      'payment-received',
      'whatsapp-lead',
    ]);
    const unknownStep = await ws.post('/v1/workflows/from-template', {
      template: 'lead-welcome',
      overrides: { steps: { nope: { template: 'x' } } },
    });
    expect(unknownStep.body.errors).toEqual([expect.objectContaining({ field: 'overrides.steps.nope' })]);

    const wf = (await ws.post('/v1/workflows/from-template', { template: 'lead-welcome' })).body;
    expect(wf.version).toBe(1);
    const changed = await ws.patch(`/v1/workflows/${wf.id}`, { name: 'Welcome v2' });
    expect(changed.body).toMatchObject({ version: 2, name: 'Welcome v2' });
    expect((await ws.post('/v1/workflows/from-template', { template: 'lead-welcome' })).status).toBe(409);
  });
});
