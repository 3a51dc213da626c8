import { startTestApp, TestApp } from '../support/test-app';
import { workspaceHarness } from '../support/workspace-harness';

/**
 * Idempotency-Key keeps successes only, as Stripe does: a refused request (validation, a template
 * missing data, a conflict) stores nothing, so the corrected request with the same key runs.
 */
describe('Idempotency-Key: what is stored and what is not', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(() => t.close());

  const withKey = (key: string, auth: { Authorization: string }, path: string, body: object) =>
    t.http().post(path).set(auth).set('Idempotency-Key', key).send(body);

  it('runs the corrected request after a 422 with the same key, then replays its 202', async () => {
    const ws = await workspaceHarness(t);
    await ws.provider({ channel: 'whatsapp', kind: 'sandbox', name: 'Sandbox', config: {} });
    const auth = t.auth(ws.key);
    const body = { to: { phone: '+5531992953088' }, channels: ['whatsapp'], template: 'lead-welcome' };

    const refused = await withKey('welcome-1', auth, '/v1/notifications', { ...body, data: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('TEMPLATE_VARIABLES_MISSING');

    const corrected = { ...body, data: { name: 'Maria', businessName: 'Clínica' } };
    const accepted = await withKey('welcome-1', auth, '/v1/notifications', corrected);
    expect(accepted.status).toBe(202);
    expect(accepted.headers['idempotency-replayed']).toBeUndefined();

    const replayed = await withKey('welcome-1', auth, '/v1/notifications', corrected);
    expect(replayed.status).toBe(202);
    expect(replayed.headers['idempotency-replayed']).toBe('true');
    expect(replayed.body).toEqual(accepted.body);
    const list = await ws.get('/v1/notifications?limit=200');
    expect(list.body.data.filter((n: { id: string }) => n.id === accepted.body.id)).toHaveLength(1);
    expect(list.body.data).toHaveLength(1);
  });

  it('runs again after a 400 validation failure', async () => {
    const first = await withKey('key-create-1', t.auth(), '/v1/api-keys', { name: 'x', scopes: ['no-such'] });
    expect(first.status).toBe(400);
    const second = await withKey('key-create-1', t.auth(), '/v1/api-keys', {
      name: 'x',
      scopes: ['events:write'],
    });
    expect(second.status).toBe(201);
  });

  it('stores no conflict: the same key creates once the conflict is gone', async () => {
    const taken = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'A', slug: 'idem-taken' });
    expect(taken.status).toBe(201);
    const body = { name: 'B', slug: 'idem-taken' };
    const conflict = await withKey('ws-create-1', t.auth(), '/v1/workspaces', body);
    expect(conflict.status).toBe(409);
    // The same request again runs again (and still conflicts): nothing was replayed.
    const again = await withKey('ws-create-1', t.auth(), '/v1/workspaces', body);
    expect(again.status).toBe(409);
    expect(again.headers['idempotency-replayed']).toBeUndefined();
    const other = await withKey('ws-create-1', t.auth(), '/v1/workspaces', { name: 'B', slug: 'idem-free' });
    expect(other.status).toBe(201);
    const replay = await withKey('ws-create-1', t.auth(), '/v1/workspaces', { name: 'B', slug: 'idem-free' });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.body.id).toBe(other.body.id);
  });
});
