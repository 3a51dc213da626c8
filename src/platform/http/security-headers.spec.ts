import Fastify from 'fastify';
import { helmetHeaders, installSecurityHeaders } from './security-headers';

describe('security headers', () => {
  const options = { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false } as const;

  it("are helmet's own for the options, worked out once", () => {
    const headers = helmetHeaders(options);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'referrer-policy': 'no-referrer',
    });
    expect(headers['content-security-policy']).toBeUndefined();
    expect(helmetHeaders({})['content-security-policy']).toContain("default-src 'self'");
  });

  it('go on every answer (a 404 too) but those of a route that opts out', async () => {
    const app = Fastify();
    installSecurityHeaders(app, options);
    app.get('/api', async () => ({ ok: true }));
    app.post('/hook', { config: { securityHeaders: false } }, async () => ({ received: true }));
    const expected = helmetHeaders(options);
    const api = await app.inject({ method: 'GET', url: '/api' });
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    const hook = await app.inject({ method: 'POST', url: '/hook' });
    expect(api.headers).toMatchObject(expected);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers).toMatchObject(expected);
    expect(hook.statusCode).toBe(200);
    for (const name of Object.keys(expected)) expect(hook.headers[name]).toBeUndefined();
    await app.close();
  });
});
