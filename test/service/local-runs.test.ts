import { DataSource } from 'typeorm';
import { EventsService } from '../../src/events/store/events.service';
import { NotificationSender } from '../../src/notifications/sending/notification-sender';
import { NotificationsService } from '../../src/notifications/sending/notifications.service';
import type { Principal } from '../../src/platform/http/principal';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { QueueName } from '../../src/platform/queue/queue.registry';
import { WorkflowExecutions } from '../../src/workflows/workflow-executions';
import { WorkflowScope } from '../../src/workflows/workflow-scope';
import { WorkflowsService } from '../../src/workflows/workflows.service';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * An execution an event starts is walked by the worker that stored it, with no job on the
 * workflows queue, and its notify step's message is sent by that worker too, with no job on the
 * notifications queue; a walk or a send that throws is handed to its job, which finishes it.
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
  const sendJob = (notificationId: string) =>
    t.app.get(JobQueue).queue(QueueName.Notifications).getJob(`ntf-${notificationId}-0`);

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

  it("sends a notify step's message from the worker that walked it: no notifications job", async () => {
    const ws = await setup([welcome]);
    await t.app
      .get(EventsService)
      .create(ws.caller, { type: 'lead.created', data: { name: 'Caio', phone: '+5531988887777' } });
    const execution = await ws.succeeded();
    const sent = await welcomeSent(ws.caller, execution.id);
    expect(sent.attempts).toBe(1);
    expect(await sendJob(sent.id)).toBeUndefined();
  });

  it('hands a send that throws to its job, which makes the one call', async () => {
    const ws = await setup([welcome]);
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
      send.mockRestore();
      t.clock.reset();
    }
  });
});
