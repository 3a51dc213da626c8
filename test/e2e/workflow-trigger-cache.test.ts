import { processedEvent, startTwoInstances, TwoInstances } from '../support/two-instances';

/**
 * Routing an event to workflows reads the workspace's triggers from a per-instance cache (no
 * statement per event), and a workflow created, changed or deleted through the API on another
 * instance is seen by the very next event (Redis pub/sub), not after the cache's TTL. Instance A
 * serves the API only; instance B, on the same database and queues, processes the events.
 */
describe('workflows: the triggers cache across instances', () => {
  let t: TwoInstances;

  beforeAll(async () => {
    t = await startTwoInstances({ APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '100000' }, { APP_ROLE: 'worker' });
  });
  afterAll(() => t.close());

  const createWorkflow = async (key: string) => {
    const res = await t.a
      .http()
      .post('/v1/workflows')
      .set(t.a.auth())
      .send({
        key,
        name: key,
        trigger: { event: 'cached.thing' },
        steps: [{ id: 'note', type: 'emit', event: 'cached.noted' }],
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Posts an event on A, waits until B has processed it; the workflows it started. */
  const started = async (): Promise<string[]> => {
    const id = await processedEvent(t, 'cached.thing');
    const { rows } = await t.db.query(
      `SELECT workflow_id FROM workflow_executions WHERE trigger_event_id = $1 ORDER BY workflow_id`,
      [id],
    );
    return rows.map((r: { workflow_id: string }) => r.workflow_id);
  };

  it('serves the triggers from the cache, and sees a workflow saved on another instance at once', async () => {
    const first = await createWorkflow('first');
    expect(await started()).toEqual([first]);

    // Changed behind Ponte's back (no invalidation sent): B still starts it — from its cache.
    await t.db.query(`UPDATE workflows SET active = false WHERE id = $1`, [first]);
    expect(await started()).toEqual([first]);
    await t.db.query(`UPDATE workflows SET active = true WHERE id = $1`, [first]);

    // Created through the API on A: B's very next event starts both.
    const second = await createWorkflow('second');
    expect(await started()).toEqual([first, second].sort());

    // Deactivated through the API on A: B's very next event no longer starts it.
    const patched = await t.a.http().patch(`/v1/workflows/${first}`).set(t.a.auth()).send({ active: false });
    expect(patched.status).toBe(200);
    expect(await started()).toEqual([second]);

    // Deleted through the API on A: nothing starts.
    expect((await t.a.http().delete(`/v1/workflows/${second}`).set(t.a.auth())).status).toBe(204);
    expect(await started()).toEqual([]);
  });
});
