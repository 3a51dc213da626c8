import { loadConfig } from '../../src/config/config';
import { checkRedis, prepareDatabase, StartupError } from '../../src/platform/preflight';

describe('start-up preflight', () => {
  // ioredis keeps a 2 s internal timer after a refused connection; let it lapse so the worker exits.
  afterAll(() => new Promise((resolve) => setTimeout(resolve, 2100)));

  it('stops with one clear line when PostgreSQL is unreachable', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/ponte' });
    const err = await prepareDatabase(config, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^PostgreSQL is not reachable at 127\.0\.0\.1:1: start it with `docker compose up -d postgres`/,
    );
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('stops with one clear line when Redis is unreachable', async () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1' });
    const err = await checkRedis(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Redis is not reachable at 127\.0\.0\.1:1: start it with `docker compose up -d redis`/,
    );
  });
});
