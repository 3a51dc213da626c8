import { JwtService } from '@nestjs/jwt';
import { startTestApp, TestApp } from '../support/test-app';

describe('gateway: operators, sessions and roles', () => {
  let t: TestApp;
  const password = 'correct horse battery staple';
  beforeAll(async () => {
    // As behind a reverse proxy on this host: X-Forwarded-For names the client.
    t = await startTestApp({ env: { TRUSTED_PROXIES: 'loopback' } });
    for (const [email, role] of [
      ['ana@clinica.test', 'admin'],
      ['bia@clinica.test', 'operator'],
      ['caio@clinica.test', 'viewer'],
    ]) {
      expect((await t.http().post('/v1/users').set(t.auth()).send({ email, password, role })).status).toBe(
        201,
      );
    }
  });
  afterAll(() => t.close());

  const login = (email: string, pw = password, ip = '203.0.113.1') =>
    t.http().post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: pw });

  it('stores no password and refuses duplicates and weak passwords', async () => {
    const list = await t.http().get('/v1/users').set(t.auth());
    expect(list.body.data).toHaveLength(3);
    expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/);
    const dup = await t
      .http()
      .post('/v1/users')
      .set(t.auth())
      .send({ email: 'ANA@clinica.test', password, role: 'viewer' });
    expect(dup.status).toBe(409);
    const weak = await t
      .http()
      .post('/v1/users')
      .set(t.auth())
      .send({ email: 'd@x.test', password: 'short', role: 'boss' });
    expect(weak.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'role']);
  });

  it('logs in, and maps roles to scopes', async () => {
    const res = await login('bia@clinica.test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      expiresIn: 900,
      tokenType: 'Bearer',
      refreshToken: expect.stringMatching(/^rt_/),
    });
    const asOperator = { Authorization: `Bearer ${res.body.accessToken}` };
    expect((await t.http().get('/v1/api-keys').set(asOperator)).status).toBe(403); // operators are not admins

    const admin = await login('ana@clinica.test');
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set({ Authorization: `Bearer ${admin.body.accessToken}` })
      ).status,
    ).toBe(200);
    expect(
      (
        await t
          .http()
          .get('/v1/workspaces')
          .set({ Authorization: `Bearer ${admin.body.accessToken}` })
      ).status,
    ).toBe(403);

    expect((await login('bia@clinica.test', 'wrong password here')).status).toBe(401);
    const unknown = await login('nobody@clinica.test');
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe('Invalid e-mail or password');
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const first = (await login('caio@clinica.test')).body;
    const second = await t.http().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // the old token again: refused, and the family (including the new token) is revoked
    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken })).status).toBe(
      401,
    );
    expect(
      (await t.http().post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken })).status,
    ).toBe(401);
  });

  it('logs out: the refresh token stops working', async () => {
    const session = (await login('caio@clinica.test')).body;
    expect((await t.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken })).status).toBe(
      204,
    );
    expect(
      (await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status,
    ).toBe(401);
  });

  it('refuses expired access tokens', async () => {
    const session = (await login('ana@clinica.test')).body;
    const [h, payload, s] = (session.accessToken as string).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number };
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);
    const forged = [
      h,
      Buffer.from(JSON.stringify({ ...claims, role: 'admin', exp: claims.exp + 3600 })).toString('base64url'),
      s,
    ];
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set({ Authorization: `Bearer ${forged.join('.')}` })
      ).status,
    ).toBe(401);
    // a correctly signed token whose time is up
    const expired = await t.app
      .get(JwtService)
      .signAsync({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 });
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set({ Authorization: `Bearer ${session.accessToken}` })
      ).status,
    ).toBe(200);
    expect(
      (
        await t
          .http()
          .get('/v1/api-keys')
          .set({ Authorization: `Bearer ${expired}` })
      ).status,
    ).toBe(401);
  });

  it('throttles logins per e-mail and IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await login('ana@clinica.test', 'wrong password!!', '198.51.100.9')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await login('ana@clinica.test', password, '198.51.100.9');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // the same e-mail from another address, and another e-mail from that address, still work
    expect((await login('ana@clinica.test', password, '198.51.100.10')).status).toBe(200);
    expect((await login('bia@clinica.test', password, '198.51.100.9')).status).toBe(200);
  });

  it('disabling a user ends their sessions', async () => {
    const users = (await t.http().get('/v1/users').set(t.auth())).body.data as {
      id: string;
      email: string;
    }[];
    const bia = users.find((u) => u.email === 'bia@clinica.test')!;
    const session = (await login('bia@clinica.test', password, '192.0.2.50')).body;
    expect((await t.http().delete(`/v1/users/${bia.id}`).set(t.auth())).status).toBe(204);
    expect(
      (await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status,
    ).toBe(401);
    expect((await login('bia@clinica.test', password, '192.0.2.51')).status).toBe(401);
  });
});
