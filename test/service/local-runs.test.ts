import { DataSource } from 'typeorm';
import { EventHandlers } from '../../src/events/processing/event-handlers';
import { EventRelay } from '../../src/events/processing/event-relay';
import { EventsService } from '../../src/events/store/events.service';
import { ContactPreferencesService } from '../../src/notifications/contacts/contact-preferences.service';
import { ContactsService } from '../../src/notifications/contacts/contacts.service';
import { ConsentGate } from '../../src/notifications/sending/consent-gate';
import { NotificationComposer } from '../../src/notifications/sending/notification-composer';
import { NotificationLedger } from '../../src/notifications/sending/notification-ledger';
import { NotificationSender } from '../../src/notifications/sending/notification-sender';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import type { Principal } from '../../src/platform/http/principal';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { WorkflowExecutions } from '../../src/workflows/workflow-executions';
import { WorkflowScope } from '../../src/workflows/workflow-scope';
import { WorkflowSteps } from '../../src/workflows/workflow-steps';
import { WorkflowsService } from '../../src/workflows/workflows.service';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * An event is processed by the worker that stored it, with no job on the events queue; the
 * execution it starts is walked there too, with no job on the workflows queue, and its notify
 * step's message is sent there, with no job on the notifications queue. A run that throws is
 * handed to its job, which finishes it; the relay leaves a run under its lease alone.
 */
describe('work run where it is stored (service tier)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const setup = async (
    steps: object[] = [
      { id: 'announce', type: 'emit', event: 'lead.announced', data: '{"name": event.data.name}' },
    ],
  ) => {
    const { caller } = await newWorkspaceCaller(t, 'svc-walk');
    const workflow = await t.app.get(WorkflowsService).create(caller, {
      key: 'announce',
      name: 'Announce',
      active: true,
      trigger: { event: 'lead.created' },
      steps,
    } as never);
    const succeeded = () =>
      waitFor(
        async () => {
          const [e] = (await t.app.get(WorkflowExecutions).list(caller, workflow.id, {})).data;
          return e?.status === 'succeeded' && e;
        },
        15_000,
        'the execution succeeded',
      );
    const announced = async () =>
      (await t.app.get(EventsService).list(caller, { type: 'lead.announced' })).data.map((e) => e.data);
    return { caller, succeeded, announced };
  };
  const job = (executionId: string) =>
    t.app.get(JobQueue).queue(QueueName.Workflows).getJob(`wf-${executionId}-0`);
  const welcome = {
    id: 'welcome',
    type: 'notify',
    channels: ['whatsapp'],
    to: '{"phone": event.data.phone}',
    template: 'lead-welcome',
    data: '{"name": event.data.name}',
  };
  /** The welcome an execution's notify step made, once the sandbox took it. */
  const welcomeSent = (caller: Principal, executionId: string) =>
    waitFor(
      async () => {
        const run = (await t.app.get(WorkflowExecutions).get(caller, executionId)).steps[0];
        const id = (run.output as { notifications?: Array<{ notificationId: string }> } | null)
          ?.notifications?.[0].notificationId;
        if (!id) return undefined;
        const n = await t.app.get(NotificationsService).get(caller, id);
        return ['sent', 'delivered'].includes(n.status) && n;
      },
      15_000,
      'the welcome sent',
    );
  /** A `lead.created` event posted through the API; answers the execution it started, once succeeded. */
  const lead = async (ws: Awaited<ReturnType<typeof setup>>, name: string, phone: string) => {
    await t.app.get(EventsService).create(ws.caller, { type: 'lead.created', data: { name, phone } });
    return ws.succeeded();
  };
  /** The message the execution's step `index` made was suppressed, no attempt made. */
  const suppressed = async (caller: Principal, executionId: string, index: number) => {
    const run = (await t.app.get(WorkflowExecutions).get(caller, executionId)).steps[index];
    const id = (run.output as { notifications: Array<{ notificationId: string }> }).notifications[0]
      .notificationId;
    const n = await waitFor(
      async () => {
        const found = await t.app.get(NotificationsService).get(caller, id);
        return found.status !== 'queued' && found;
      },
      15_000,
      'the welcome settled',
    );
    expect(n).toMatchObject({ status: 'suppressed', attempts: 0 });
  };
  const sendJob = (notificationId: string) =>
    t.app.get(JobQueue).queue(QueueName.Notifications).getJob(`ntf-${notificationId}-0`);

  const leadCreated = (caller: Principal, name: string) =>
    t.app.get(EventsService).create(caller, { type: 'lead.created', data: { name } });
  const eventJob = (eventId: string) =>
    t.app.get(JobQueue).queue(QueueName.Events).getJob(`evt-${eventId}-r0-0`);
  const eventRow = async (id: string) => {
    const [row]: Array<{
      status: string;
      attempts: number;
      lease_until: Date | null;
      job_id: string | null;
    }> = await t.app
      .get(DataSource)
      .query('SELECT status, attempts, lease_until, job_id FROM events WHERE id = $1', [id]);
    return row;
  };

  it('processes a new event in the process that stored it: no events job, one attempt, under a lease', async () => {
    const ws = await setup();
    const { id } = await leadCreated(ws.caller, 'Eva');
    await ws.succeeded();
    expect(await ws.announced()).toEqual([{ name: 'Eva' }]);
    // The execution's success is written before the event's own run is marked done: wait for it.
    const row = await waitFor(
      async () => {
        const r = await eventRow(id);
        return r.status !== 'processing' && r;
      },
      15_000,
      'the event run finished',
    );
    expect(row).toMatchObject({ status: 'processed', attempts: 1, job_id: null });
    expect(row.lease_until).not.toBeNull();
    expect(await eventJob(id)).toBeUndefined();
  });

  it('leaves an event under a live lease to its run, and offers it once the lease has run out', async () => {
    const ws = await setup();
    const { id } = await leadCreated(ws.caller, 'Fê');
    await ws.succeeded();
    const db = t.app.get(DataSource);
    // As a process killed mid-run leaves it: claimed, leased, long received.
    const leftAt = async (lease: string) =>
      db.query(
        `UPDATE events SET status = 'processing', received_at = now() - interval '1 hour', lease_until = now() + $2::interval
         WHERE id = $1`,
        [id, lease],
      );
    await leftAt('1 minute');
    await t.app.get(EventRelay).relayEvents(10);
    expect(await eventJob(id)).toBeUndefined();
    await leftAt('-1 second');
    await t.app.get(EventRelay).relayEvents(10);
    await waitFor(
      async () => (await eventRow(id)).status === 'processed',
      15_000,
      'the event processed by its job',
    );
    expect(await eventJob(id)).toBeDefined();
    expect(await ws.announced()).toEqual([{ name: 'Fê' }]); // the execution was started once
  });

  it('hands an event whose run meets an outage to its job, which processes it once', async () => {
    const ws = await setup();
    const dispatch = jest.spyOn(t.app.get(EventHandlers), 'dispatch').mockResolvedValueOnce({
      done: [],
      enrichment: {},
      failures: [],
      outage: new Error('redis unreachable'),
    });
    t.clock.advance(3600_000); // as below: the relay does not see it as pending
    try {
      const { id } = await leadCreated(ws.caller, 'Gil');
      await ws.succeeded();
      // here (the outage), then by the job; the execution's own `lead.announced` is dispatched too
      expect(dispatch.mock.calls.filter(([e]) => e.id === id)).toHaveLength(2);
      expect(await eventJob(id)).toBeDefined();
      // recorded processed by the job's batch, possibly after the execution it started succeeded
      const row = await waitFor(
        async () => {
          const found = await eventRow(id);
          return found.status === 'processed' && found;
        },
        15_000,
        'the event processed by its job',
      );
      expect(row.attempts).toBe(1); // the first given back
      expect(await ws.announced()).toEqual([{ name: 'Gil' }]);
    } finally {
      dispatch.mockRestore();
      t.clock.reset();
    }
  });

  it('walks a new execution in the process that started it: no workflows job, the lease given back', async () => {
    const ws = await setup();
    await t.app.get(EventsService).create(ws.caller, { type: 'lead.created', data: { name: 'Ana' } });
    const execution = await ws.succeeded();
    expect(await ws.announced()).toEqual([{ name: 'Ana' }]);
    expect(await job(execution.id)).toBeUndefined();
    const [row]: Array<{ lease_until: Date | null; seq: number }> = await t.app
      .get(DataSource)
      .query('SELECT lease_until, seq FROM workflow_executions WHERE id = $1', [execution.id]);
    expect(row).toEqual({ lease_until: null, seq: 0 });
  });

  it('hands a walk that throws to a job, which finishes the execution once', async () => {
    const ws = await setup();
    const build = jest
      .spyOn(t.app.get(WorkflowScope), 'build')
      .mockRejectedValueOnce(new Error('scope unavailable'));
    // Stored an hour ahead of PostgreSQL's clock, the execution never looks lost to the relay:
    // only the job the failed walk hands it to can finish it.
    t.clock.advance(3600_000);
    try {
      await t.app.get(EventsService).create(ws.caller, { type: 'lead.created', data: { name: 'Bia' } });
      const execution = await ws.succeeded();
      expect(build).toHaveBeenCalledTimes(2);
      expect(await job(execution.id)).toBeDefined();
      expect(await ws.announced()).toEqual([{ name: 'Bia' }]);
    } finally {
      build.mockRestore();
      t.clock.reset();
    }
  });

  it("sends a notify step's message from the worker that walked it: stored claimed, no claim, no job", async () => {
    const ws = await setup([welcome]);
    const claim = jest.spyOn(t.app.get(NotificationLedger), 'claim');
    try {
      await t.app
        .get(EventsService)
        .create(ws.caller, { type: 'lead.created', data: { name: 'Caio', phone: '+5531988887777' } });
      const execution = await ws.succeeded();
      const sent = await welcomeSent(ws.caller, execution.id);
      expect(sent.attempts).toBe(1);
      expect(sent.attemptLog).toMatchObject([
        { attempt: 1, status: expect.stringMatching(/sent|delivered/) },
      ]);
      // The row was stored with its attempt open: no claim statement between the insert and the call.
      expect(claim).not.toHaveBeenCalled();
      expect(await sendJob(sent.id)).toBeUndefined();
    } finally {
      claim.mockRestore();
    }
  });

  it('gives back a send stored claimed that meets an outage before its call; its job makes the one call', async () => {
    const ws = await setup([welcome]);
    const compose = jest
      .spyOn(t.app.get(NotificationComposer), 'message')
      .mockRejectedValueOnce(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      );
    const claim = jest.spyOn(t.app.get(NotificationLedger), 'claim');
    try {
      await t.app
        .get(EventsService)
        .create(ws.caller, { type: 'lead.created', data: { name: 'Ivo', phone: '+5531988884444' } });
      const execution = await ws.succeeded();
      const sent = await welcomeSent(ws.caller, execution.id);
      expect(sent.attemptLog).toMatchObject([
        { attempt: 1, status: 'failed', errorCode: 'dependency' },
        { attempt: 2, status: expect.stringMatching(/sent|delivered/) },
      ]);
      const [row]: Array<{ route_tries: number }> = await t.app
        .get(DataSource)
        .query('SELECT route_tries FROM notifications WHERE id = $1', [sent.id]);
      expect(row.route_tries).toBe(1); // the first try was given back
      const handedOver = await t.app.get(JobQueue).queue(QueueName.Notifications).getJob(`ntf-${sent.id}-1`);
      expect(handedOver).toBeDefined();
      expect(claim).toHaveBeenCalledTimes(1); // by the job, for attempt 2: attempt 1 was opened when stored
    } finally {
      compose.mockRestore();
      claim.mockRestore();
    }
  });

  it("honours the recipient's opt-out looked up before the notify step stored the message", async () => {
    const ws = await setup([welcome]);
    const { contact } = await t.app.get(ContactsService).upsert(ws.caller, { phone: '+5531988885555' });
    await t.app.get(ContactPreferencesService).set(ws.caller, contact.id, {
      channels: { whatsapp: { marketing: false, transactional: false } },
    });
    const execution = await lead(ws, 'Hugo', '+5531988885555');
    await suppressed(ws.caller, execution.id, 0);
  });

  it("takes the walk's own lookup of the recipient for the notify step's consent: one lookup, not two", async () => {
    const ws = await setup([welcome]);
    const phone = '+5531988883333';
    const lookups = jest.spyOn(t.app.get(ContactsService), 'findByAddress');
    try {
      const execution = await lead(ws, 'Rui', phone);
      await welcomeSent(ws.caller, execution.id);
      // The scope's, made before the walk; the consent check took its answer.
      expect(lookups.mock.calls.filter(([, address]) => address.phone === phone)).toHaveLength(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it("takes the walk's contact for the notify step's recipient by id, and for its consent: no lookup by id", async () => {
    const ws = await setup([{ ...welcome, to: '{"contactId": contact.id, "phone": event.data.phone}' }]);
    const phone = '+5531988881111';
    const { contact } = await t.app.get(ContactsService).upsert(ws.caller, { phone, name: 'Bia' });
    const byId = jest.spyOn(t.app.get(ContactsService), 'find');
    try {
      const execution = await lead(ws, 'Bia', phone);
      const sent = await welcomeSent(ws.caller, execution.id);
      expect(sent.to).toMatchObject({ contactId: contact.id, phone });
      // Found by phone with the scope; the recipient's details and its consent took that answer.
      expect(byId.mock.calls.filter(([, id]) => id === contact.id)).toHaveLength(0);
    } finally {
      byId.mockRestore();
    }
  });

  it("looks the recipient up again for a notify step after another step: that step may have changed the contact's consent", async () => {
    const ws = await setup([{ id: 'announce', type: 'emit', event: 'lead.announced', data: '{}' }, welcome]);
    const phone = '+5531988882222';
    const { contact } = await t.app.get(ContactsService).upsert(ws.caller, { phone });
    const steps = t.app.get(WorkflowSteps);
    const emit = steps.emit.bind(steps);
    // The first step's effect: the contact opts out of WhatsApp while the walk is under way.
    const optOut = jest.spyOn(steps, 'emit').mockImplementationOnce(async (step, ctx) => {
      await t.app.get(ContactPreferencesService).set(ws.caller, contact.id, {
        channels: { whatsapp: { marketing: false, transactional: false } },
      });
      return emit(step, ctx);
    });
    try {
      const execution = await lead(ws, 'Lia', phone);
      await suppressed(ws.caller, execution.id, 1);
    } finally {
      optOut.mockRestore();
    }
  });

  it('stores a send queued when its consent cannot be looked up, and hands a call that throws to its job', async () => {
    const ws = await setup([welcome]);
    const consent = jest
      .spyOn(t.app.get(ConsentGate), 'check')
      .mockRejectedValueOnce(new Error('contacts unavailable'));
    const send = jest
      .spyOn(t.app.get(NotificationSender), 'callFor')
      .mockRejectedValueOnce(new Error('ledger unavailable'));
    t.clock.advance(3600_000); // as above: the relay does not see it as pending
    try {
      await t.app
        .get(EventsService)
        .create(ws.caller, { type: 'lead.created', data: { name: 'Duda', phone: '+5531988886666' } });
      const execution = await ws.succeeded();
      const sent = await welcomeSent(ws.caller, execution.id);
      expect(send).toHaveBeenCalledTimes(2); // here (refused), then by the job
      expect(sent.attempts).toBe(1);
      expect(await sendJob(sent.id)).toBeDefined();
    } finally {
      consent.mockRestore();
      send.mockRestore();
      t.clock.reset();
    }
  });
});
