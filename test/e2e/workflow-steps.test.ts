import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { waitFor } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { startListeningApp, workspaceHarness } from '../support/workspace-harness';

/** The steps that reach other systems (endpoint webhook, CRM action, emit, contact tag) and cancelling. */
describe('workflow steps beyond notify and delay', () => {
  let t: TestApp;
  const receiver = new FakeWebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    t = await startListeningApp({ DELIVERY_RETRY_SCHEDULE: '0,1s' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('webhook to an endpoint, crm.upsertLead to the crm system, contact.tag and emit run once each; a waiting execution can be cancelled', async () => {
    const ws = await workspaceHarness(t);
    const endpoint = async (name: string, system?: string) => {
      const res = await ws.post('/v1/endpoints', {
        name,
        url: `${receiver.url}/hooks/${name}`,
        eventTypes: ['nothing.*'],
        ...(system ? { system } : {}),
      });
      expect(res.status).toBe(201);
      receiver.trust(res.body.secret);
      return res.body.id as string;
    };
    const ops = await endpoint('ops');
    await endpoint('crm', 'crm');
    const wf = await ws.post('/v1/workflows', {
      key: 'reach-out',
      name: 'Reach out',
      active: true,
      trigger: { event: 'lead.created' },
      steps: [
        { id: 'tell-ops', type: 'webhook', endpointId: ops, body: '{"lead": event.data.name}' },
        {
          id: 'lead',
          type: 'action',
          name: 'crm.upsertLead',
          input: '{"name": event.data.name, "phone": event.data.phone}',
        },
        { id: 'tag', type: 'action', name: 'contact.tag', input: '{"tags": ["lead", event.data.utm]}' },
        { id: 'announce', type: 'emit', event: 'lead.announced', data: '{"name": event.data.name}' },
        { id: 'wait', type: 'delay', duration: 'PT1H' },
        { id: 'never', type: 'webhook', endpointId: ops },
      ],
    });
    expect(wf.status).toBe(201);
    const created = await ws.post('/v1/events', {
      type: 'lead.created',
      data: { name: 'Bia', phone: '+5531992950777', utm: 'instagram' },
    });
    expect(created.status).toBe(202);

    const execution = await waitFor(
      async () => {
        const [e] = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data;
        return e?.status === 'waiting' && e;
      },
      15_000,
      'the execution waiting',
    );
    const deliveries = await receiver.waitForDeliveries(2, 10_000);
    const byPath = Object.fromEntries(deliveries.map((d) => [d.path, d]));
    expect(byPath['/hooks/ops']).toMatchObject({ verified: true, body: { data: { lead: 'Bia' } } });
    expect(byPath['/hooks/crm']).toMatchObject({
      verified: true,
      body: { type: 'crm.upsertLead', data: { name: 'Bia', phone: '+5531992950777' } },
    });
    const contacts = (await ws.get('/v1/contacts?tag=instagram')).body.data;
    expect(contacts).toEqual([
      expect.objectContaining({ phone: '+5531992950777', tags: ['lead', 'instagram'] }),
    ]);
    const announced = (await ws.get('/v1/events?type=lead.announced')).body.data;
    expect(announced).toEqual([expect.objectContaining({ data: expect.objectContaining({ name: 'Bia' }) })]);

    const cancelled = await ws.post(`/v1/executions/${execution.id}/cancel`, {});
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const detail = (await ws.get(`/v1/executions/${execution.id}`)).body;
    const steps = Object.fromEntries(
      detail.steps.map((s: { id: string; status: string }) => [s.id, s.status]),
    );
    expect(steps).toMatchObject({
      'tell-ops': 'succeeded',
      lead: 'succeeded',
      tag: 'succeeded',
      announce: 'succeeded',
    });
    expect((await ws.post(`/v1/executions/${execution.id}/cancel`, {})).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.deliveries()).toHaveLength(2); // nothing ran twice, nothing after the cancel
  });

  it('an emit that triggers its own workflow stops at the loop guard, five emits deep', async () => {
    const ws = await workspaceHarness(t);
    const wf = await ws.post('/v1/workflows', {
      key: 'echo',
      name: 'Echo',
      active: true,
      trigger: { event: 'echo.ping' },
      steps: [{ id: 'again', type: 'emit', event: 'echo.ping', data: '{"n": (event.data.n ?? 0) + 1}' }],
    });
    expect(wf.status).toBe(201);
    // Posted through the API: an internal event, whose depth comes from its dedupe key.
    expect((await ws.post('/v1/events', { type: 'echo.ping', data: { n: 0 } })).status).toBe(202);
    const failed = await waitFor(
      async () => {
        const list = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data;
        return list.find((e: { status: string }) => e.status === 'failed');
      },
      30_000,
      'the execution the loop guard stops',
    );
    expect(failed).toMatchObject({
      failedStep: 'again',
      error: expect.stringMatching(/Loop guard: .* 6 emits deep/),
    });
    const all = (await ws.get(`/v1/workflows/${wf.body.id}/executions`)).body.data as Array<{
      status: string;
    }>;
    expect(all.map((e) => e.status).sort()).toEqual([...Array(5).fill('succeeded'), 'failed'].sort());
    const pings = (await ws.get('/v1/events?type=echo.ping')).body.data as Array<{ data: { n: number } }>;
    expect(pings.map((e) => e.data.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
