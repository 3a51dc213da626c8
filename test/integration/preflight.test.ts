import { existsSync } from 'node:fs';
import { loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/platform/database/data-source';
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

  it('names the socket directory when PostgreSQL is unreachable through ?host=', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://postgres@localhost/ponte?host=/nonexistent-ponte-socket',
    });
    const err = await prepareDatabase(config, () => undefined).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^PostgreSQL is not reachable at the socket in \/nonexistent-ponte-socket: start it/,
    );
  });

  // Where the machine's PostgreSQL has its socket in the Debian place (CI's does).
  const socketDir = '/var/run/postgresql';
  (existsSync(`${socketDir}/.s.PGSQL.5432`) ? it : it.skip)(
    'connects TypeORM through the Unix socket a ?host= names (pg reads it from the URL)',
    async () => {
      const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      url.searchParams.set('host', socketDir);
      const dataSource = await createDataSource(
        { url: url.toString(), poolSize: 1 },
        {
          entities: [],
          migrations: [],
        },
      ).initialize();
      try {
        const [row] = await dataSource.query('SELECT inet_client_addr() AS addr');
        expect(row.addr).toBeNull(); // a socket connection has no client address
      } finally {
        await dataSource.destroy();
      }
    },
  );

  it('stops with one clear line when Redis is unreachable', async () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1' });
    const err = await checkRedis(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Redis is not reachable at 127\.0\.0\.1:1: start it with `docker compose up -d redis`/,
    );
  });
});
