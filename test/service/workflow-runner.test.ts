import { DataSource } from 'typeorm';
import { EventsService } from '../../src/events/store/events.service';
import { WorkflowExecutions } from '../../src/workflows/workflow-executions';
import { WorkflowRunner } from '../../src/workflows/workflow-runner';
import { WorkflowsService } from '../../src/workflows/workflows.service';
import { waitFor } from '../support/private-redis';
import { newWorkspaceCaller } from '../support/service-caller';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The workflow runner as a service on the real PostgreSQL and Redis: the trigger goes in through
 * EventsService, and the runner's job is then delivered again by hand (a duplicate, a stale one,
 * one after the delay) to show that no finished step runs twice and a delay resumes where it parked.
 */
describe('workflow runner (service tier)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs each step once across duplicate and stale jobs, parks on a delay and resumes after it', async () => {
    const { caller } = await newWorkspaceCaller(t, 'svc-wf');
    const workflow = await t.app.get(WorkflowsService).create(caller, {
      key: 'follow-up',
      name: 'Follow up',
      active: true,
      trigger: { event: 'lead.created' },
      steps: [
        { id: 'announce', type: 'emit', event: 'lead.announced', data: '{"name": event.data.name}' },
        { id: 'wait', type: 'delay', duration: 'PT1H' },
        { id: 'follow', type: 'emit', event: 'lead.followed_up', data: '{"name": event.data.name}' },
      ],
    } as never);
    await t.app.get(EventsService).create(caller, { type: 'lead.created', data: { name: 'Bia' } });

    const executions = t.app.get(WorkflowExecutions);
    const execution = await waitFor(
      async () => {
        const [e] = (await executions.list(caller, workflow.id, {})).data;
        return e?.status === 'waiting' && e;
      },
      15_000,
      'the execution parked on its delay',
    );
    const emitted = async (type: string) => (await t.app.get(EventsService).list(caller, { type })).data;
    const seq = async () => {
      const [row]: Array<{ seq: number }> = await t.app
        .get(DataSource)
        .query('SELECT seq FROM workflow_executions WHERE id = $1', [execution.id]);
      return row.seq;
    };
    const runner = t.app.get(WorkflowRunner);

    // The live job delivered twice before its time, and a stale one: nothing runs again.
    const parkedAt = await seq();
    await runner.run({ executionId: execution.id, seq: parkedAt });
    await runner.run({ executionId: execution.id, seq: 0 });
    expect((await executions.get(caller, execution.id)).status).toBe('waiting');
    expect(await emitted('lead.announced')).toHaveLength(1);
    expect(await emitted('lead.followed_up')).toHaveLength(0);

    // An hour later the live job walks on from the delay; delivered once more, it does nothing.
    t.clock.advance(3600_000 + 1000);
    await runner.run({ executionId: execution.id, seq: await seq() });
    const done = await executions.get(caller, execution.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
      ['announce', 'succeeded', 1],
      ['wait', 'succeeded', 1],
      ['follow', 'succeeded', 1],
    ]);
    await runner.run({ executionId: execution.id, seq: await seq() });
    expect(await emitted('lead.announced')).toHaveLength(1);
    expect(await emitted('lead.followed_up')).toHaveLength(1);
  });
});
