import { EventBus } from '../../src/events/bus/event-bus';
import { EventsService } from '../../src/events/store/events.service';
import { JobQueue } from '../../src/platform/queue/job-queue.service';
import { WorkflowExecutions } from '../../src/workflows/workflow-executions';
import { WorkflowsService } from '../../src/workflows/workflows.service';
import { WelcomeModule } from '../fixtures/welcome.module';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The example module of docs/architecture.md, plugged into the real app (plug-in registry, job
 * registry, PostgreSQL, Redis, workers) by adding its module and nothing else: an event emitted
 * through the bus reaches its subscriber, the subscriber's job runs and publishes an event, and a
 * workflow step runs its action.
 */
describe('a new module plugs in by declaring (service tier)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ imports: [WelcomeModule] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('its subscriber, its job and its workflow action run on an emitted event', async () => {
    const { ws, caller } = await newWorkspaceCaller(t, 'svc-welcome');
    const workflow = await t.app.get(WorkflowsService).create(caller, {
      key: 'greet-lead',
      name: 'Greet the lead',
      active: true,
      trigger: { event: 'lead.created' },
      steps: [{ id: 'greet', type: 'action', name: 'welcome.greeting', input: 'event.data.name' }],
    } as never);

    const lead = await t.app.get(EventBus).emit(ws.id, 'lead.created', { name: 'Bia' });

    const events = t.app.get(EventsService);
    // The subscriber enqueued its job (nothing else does), which published `welcome.sent`.
    await waitFor(
      async () => (await events.get(caller, lead.id)).status === 'processed',
      15_000,
      'the lead processed',
    );
    const sent = await waitFor(
      async () => {
        const list = (await events.list(caller, { type: 'welcome.sent' })).data;
        return list.length > 0 && list;
      },
      15_000,
      'welcome.sent published by the job',
    );
    expect(sent).toHaveLength(1);
    expect((await events.get(caller, sent[0].id)).data).toEqual({ leadEventId: lead.id });

    // The workflow the lead started ran the module's action.
    const executions = t.app.get(WorkflowExecutions);
    const execution = await waitFor(
      async () => {
        const [e] = (await executions.list(caller, workflow.id, {})).data;
        return e?.status === 'succeeded' && e;
      },
      15_000,
      'the execution succeeded',
    );
    const detail = await executions.get(caller, execution.id);
    expect(detail.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ['greet', 'succeeded', { text: 'Olá, Bia!' }],
    ]);

    // Its job is in the registry the app started with, on the queue the module chose.
    expect(t.app.get(JobQueue).queueOf('welcome.send').name).toBe('maintenance');
  });
});
