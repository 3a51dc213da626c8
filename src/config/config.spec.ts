import { availableParallelism } from 'node:os';
import { loadConfig } from './config';
import { ConfigError } from './env';

describe('loadConfig', () => {
  it('gives every setting its documented default', () => {
    const c = loadConfig({});
    expect(c.app).toMatchObject({
      role: 'all',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      env: 'development',
    });
    expect(c.database.url).toBe('postgres://postgres@127.0.0.1:5432/ponte');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.http.bodyLimit).toBe(1024 * 1024);
    expect(c.outbound.allowPrivate).toBe(true);
    expect(c.limits.rateLimitPerMinute).toBe(60);
    expect(c.security.usingDevSecrets).toBe(true);
  });

  it('reads WEB_CONCURRENCY as a number of processes or auto (one per core), 1 by default', () => {
    expect(loadConfig({}).app.webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '4' }).app.webConcurrency).toBe(4);
    expect(loadConfig({ WEB_CONCURRENCY: 'auto' }).app.webConcurrency).toBe(availableParallelism());
    for (const bad of ['0', '-1', 'two', '1.5'])
      expect(() => loadConfig({ WEB_CONCURRENCY: bad })).toThrow(/WEB_CONCURRENCY/);
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ BOOTSTRAP_ADMIN_API_KEY: '', PORT: '', ENCRYPTION_KEYS: ' ' });
    expect(c.app.port).toBe(3000);
    expect(c.security.bootstrapAdminApiKey).toBeUndefined();
  });

  it('types and converts values', () => {
    const c = loadConfig({
      PORT: '8080',
      OUTBOUND_ALLOW_PRIVATE: 'false',
      APP_ROLE: 'worker',
      CORS_ORIGINS: 'https://a, https://b',
    });
    expect(c.app.port).toBe(8080);
    expect(c.outbound.allowPrivate).toBe(false);
    expect(c.isWorker).toBe(true);
    expect(c.isApi).toBe(false);
    expect(c.http.corsOrigins).toEqual(['https://a', 'https://b']);
  });

  it('lists every invalid variable by name without echoing values', () => {
    const err = (() => {
      try {
        loadConfig({
          PORT: 'http',
          APP_ROLE: 'boss',
          DATABASE_URL: 'mysql://x',
          QUEUE_PREFIX: 'a b',
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of ['PORT', 'APP_ROLE', 'DATABASE_URL', 'QUEUE_PREFIX'])
      expect(err!.message).toContain(name);
    expect(err!.message).not.toContain('mysql://x');
  });

  it('requires real secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET and ENCRYPTION_KEYS/);
    const c = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 's'.repeat(32),
      ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    });
    expect(c.security.usingDevSecrets).toBe(false);
    expect(c.outbound.allowPrivate).toBe(false);
  });
});
