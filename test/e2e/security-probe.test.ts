import { JwtService } from '@nestjs/jwt';
import { v7 as uuidv7 } from 'uuid';
import { waitFor } from '../support/private-redis';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * What an outside probe broke (issue 16), replayed request by request against the production
 * wiring: each case failed before its fix.
 */
describe('security probe', () => {
  let t: TestApp;
  const password = 'correct horse battery staple';
  let tenantKey: string;

  beforeAll(async () => {
    // Production's SSRF rule: no private, loopback or link-local addresses. No trusted proxy.
    t = await startTestApp({ env: { OUTBOUND_ALLOW_PRIVATE: 'false', RATE_LIMIT_PER_MINUTE: '10000' } });
    const workspace = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Tenant B' });
    tenantKey = workspace.body.adminKey.key;
    for (const email of ['ana@probe.test', 'bia@probe.test', 'caio@probe.test']) {
      const res = await t.http().post('/v1/users').set(t.auth()).send({ email, password, role: 'admin' });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t?.close());

  const login = (email: string, pw = password, forwardedFor?: string) => {
    const req = t.http().post('/v1/auth/login');
    if (forwardedFor) void req.set('X-Forwarded-For', forwardedFor);
    return req.send({ email, password: pw });
  };
  const createContact = (token: string) =>
    t
      .http()
      .post('/v1/contacts')
      .set({ Authorization: `Bearer ${token}` })
      .send({ phone: '+5531992953088', name: 'Maria' });

  it('3: X-Forwarded-For from an untrusted client neither dodges login throttling nor reaches the audit log', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await login('ana@probe.test', 'wrong password!!', `203.0.113.${i + 1}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const right = await login('ana@probe.test', password, '198.51.100.77');
    expect(right.status).toBe(429);

    const forged = await t.http().get('/v1/api-keys').set(t.auth()).set('X-Forwarded-For', '198.51.100.66');
    const requestId = forged.headers['x-request-id'];
    // The audit log is written in batches: wait for this request's entry, then read its address.
    const entry = await waitFor(
      async () => {
        const audit = await t.http().get('/v1/audit-logs?limit=100').set(t.auth());
        return (audit.body.data as Array<{ requestId: string; ip: string }>).find(
          (e) => e.requestId === requestId,
        );
      },
      15_000,
      'the audit entry of the forged request',
    );
    expect(entry.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('5: an access token stops at once after logout and after the user is disabled', async () => {
    const session = (await login('bia@probe.test')).body;
    expect((await createContact(session.accessToken)).status).toBeLessThan(300);
    expect((await t.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken })).status).toBe(
      204,
    );
    const afterLogout = await createContact(session.accessToken);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body.code).toBe('UNAUTHENTICATED');

    const other = (await login('caio@probe.test')).body;
    // A refresh rotates the token but keeps the session: the access token still works.
    const refreshed = await t.http().post('/v1/auth/refresh').send({ refreshToken: other.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await createContact(other.accessToken)).status).toBeLessThan(300);
    const users = (await t.http().get('/v1/users').set(t.auth())).body.data as Array<{
      id: string;
      email: string;
    }>;
    const caio = users.find((u) => u.email === 'caio@probe.test')!;
    expect((await t.http().delete(`/v1/users/${caio.id}`).set(t.auth())).status).toBe(204);
    expect((await createContact(other.accessToken)).status).toBe(401);
    expect((await createContact(refreshed.body.accessToken)).status).toBe(401);
  });

  it('8: a role of __proto__ and a token without exp are refused with 401, not 500', async () => {
    const jwt = t.app.get(JwtService);
    const users = (await t.http().get('/v1/users').set(t.auth())).body.data as Array<{ id: string }>;
    const claims = { sub: users[0].id, ws: uuidv7(), typ: 'access', sid: uuidv7() };
    const proto = await jwt.signAsync({ ...claims, role: '__proto__' }, { expiresIn: 900 });
    const res = await t
      .http()
      .get('/v1/contacts')
      .set({ Authorization: `Bearer ${proto}` });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    for (const role of ['constructor', 'toString', 'hasOwnProperty']) {
      const token = await jwt.signAsync({ ...claims, role }, { expiresIn: 900 });
      expect(
        (
          await t
            .http()
            .get('/v1/contacts')
            .set({ Authorization: `Bearer ${token}` })
        ).status,
      ).toBe(401);
    }
    const eternal = await jwt.signAsync({ ...claims, role: 'admin' }); // no expiresIn: no exp claim
    expect(JSON.parse(Buffer.from(eternal.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
    expect(
      (
        await t
          .http()
          .get('/v1/contacts')
          .set({ Authorization: `Bearer ${eternal}` })
      ).status,
    ).toBe(401);
  });

  it('9: a key cannot be minted with scopes outside the grammar', async () => {
    for (const scope of ['platform:*', 'platform:write', 'admin:*', 'billing:read']) {
      const res = await t
        .http()
        .post('/v1/api-keys')
        .set(t.auth())
        .send({ name: 'x', scopes: [scope] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const ok = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: 'x', scopes: ['events:*', '*:read'] });
    expect(ok.status).toBe(201);
  });

  it('11: a workflow webhook URL and a media URL on private addresses are refused on save', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
    ]) {
      const workflow = await t
        .http()
        .post('/v1/workflows')
        .set(t.auth())
        .send({
          key: `probe-${Math.random().toString(36).slice(2)}`,
          name: 'probe',
          trigger: { event: 'lead.created' },
          steps: [{ id: 'hook', type: 'webhook', url }],
        });
      expect(workflow.status).toBe(422);
      expect(workflow.body.errors).toContainEqual({
        field: 'steps.0.url',
        message: expect.stringMatching(/refused/),
      });

      const notification = await t
        .http()
        .post('/v1/notifications')
        .set(t.auth())
        .send({
          to: { phone: '+5531992953088' },
          channels: ['whatsapp'],
          content: { body: 'Seu boleto', media: { type: 'document', url } },
        });
      expect(notification.status).toBe(400);
      expect(notification.body.errors).toContainEqual({
        field: 'content.media.url',
        message: expect.stringMatching(/refused/),
      });
    }
  });

  describe('Bull Board', () => {
    const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;
    const board = (method: 'GET' | 'PUT', url: string, password: string, ip = '127.0.0.1') =>
      t.app
        .getHttpAdapter()
        .getInstance()
        .inject({ method, url, headers: { authorization: basic(password) }, remoteAddress: ip });

    it("1: only a platform operator opens it: a workspace's admin key can neither read nor act", async () => {
      expect((await board('GET', '/admin/queues/api/queues', tenantKey, '192.0.2.1')).statusCode).toBe(401);
      const promote = await board(
        'PUT',
        '/admin/queues/api/queues/notifications/some-job/promote',
        tenantKey,
        '192.0.2.1',
      );
      expect(promote.statusCode).toBe(401);
      expect(
        (await board('GET', '/admin/queues/api/queues', t.auth().Authorization.slice(7))).statusCode,
      ).toBe(200);
    });

    it('4: refused sign-ins are throttled per address, and the right key waits too', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++)
        statuses.push(
          (await board('GET', '/admin/queues', `pk_wrong_${i}_0123456789abcdef`, '192.0.2.9')).statusCode,
        );
      expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
      expect(statuses.slice(-3)).toEqual([429, 429, 429]);
      const right = await board('GET', '/admin/queues', t.auth().Authorization.slice(7), '192.0.2.9');
      expect(right.statusCode).toBe(429);
      expect(right.headers['retry-after']).toBeDefined();
      // Another address is not held back.
      expect(
        (await board('GET', '/admin/queues', t.auth().Authorization.slice(7), '192.0.2.10')).statusCode,
      ).toBe(200);
    });

    it('serves a page that loads nothing from other origins, under a strict policy', async () => {
      const page = await board('GET', '/admin/queues', t.auth().Authorization.slice(7), '192.0.2.11');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    });
  });
});
