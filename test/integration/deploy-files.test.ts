import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { loadConfig } from '../../src/config/config';
import { PROJECT_ROOT } from '../../src/platform/openapi/openapi';

/**
 * docker-compose.yml and the Dockerfile as far as a machine without a Docker engine can check them:
 * the YAML parses into the services Compose expects, and the app container's environment, replayed
 * here as Compose builds it (env_file, then `environment`, `${VAR:-default}` interpolated from the
 * shell and .env), is one Ponte starts with in production and carries every .env.example setting.
 */
type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | null>;
  env_file?: Array<{ path: string; required?: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
// Compose reads YAML 1.1 merge keys (`<<: *ponte-environment`); js-yaml 5 needs them enabled.
const compose = load(read('docker-compose.yml'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as Compose;

/** KEY=value lines, as Compose reads a .env file (comments and blank lines skipped). */
function parseEnvFile(text: string): Env {
  const env: Env = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** `${VAR}` and `${VAR:-default}`, the two forms docker-compose.yml uses. */
function interpolate(value: string, vars: Env): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) =>
    vars[name] ? vars[name] : (fallback ?? ''),
  );
}

/** What the container's process environment is, given the shell's variables and the .env file. */
function containerEnv(service: Service, shell: Env, dotEnv: Env | undefined): Env {
  const vars = { ...dotEnv, ...shell };
  const env: Env = {};
  for (const file of service.env_file ?? []) {
    expect(file).toEqual({ path: '.env', required: false });
    Object.assign(env, dotEnv ?? {});
  }
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    if (value === null) {
      if (vars[key] !== undefined) env[key] = vars[key];
    } else env[key] = interpolate(String(value), vars);
  }
  return env;
}

describe('docker-compose.yml', () => {
  const example = parseEnvFile(read('.env.example'));
  const secrets = {
    JWT_SECRET: 'x'.repeat(48),
    ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    POSTGRES_PASSWORD: 'a-real-password',
  };

  it('declares the services, their health-gated order and the volumes they use', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis']);
    expect(compose.services.app.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    const named = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(':')[0]),
    );
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
    // Only the app is published beyond the host itself.
    for (const name of ['postgres', 'redis'])
      for (const port of compose.services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives the app an environment it starts with in production, every .env.example setting included', () => {
    const dotEnv = { ...example, ...secrets, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '600' };
    const env = containerEnv(compose.services.app, {}, dotEnv);
    const config = loadConfig(env);
    expect(config.app.env).toBe('production');
    expect(config.app.role).toBe('all');
    expect(config.database.url).toBe('postgres://postgres:a-real-password@postgres:5432/ponte');
    expect(config.redis.url).toBe('redis://redis:6379');
    expect(config.security.usingDevSecrets).toBe(false);
    // .env.example's settings arrive as written, but those Compose pins for the containers' network.
    const pinned = ['NODE_ENV', 'APP_ROLE', 'DATABASE_URL', 'REDIS_URL'];
    for (const [key, value] of Object.entries(dotEnv))
      if (!pinned.includes(key)) expect([key, env[key]]).toEqual([key, value]);
    expect(config.limits.rateLimitPerMinute).toBe(600);
  });

  it('passes the secrets through from the shell, with no .env at all', () => {
    const env = containerEnv(
      compose.services.app,
      {
        ...secrets,
        ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        BOOTSTRAP_ADMIN_API_KEY: `pk_${'a'.repeat(32)}`,
      },
      undefined,
    );
    for (const key of ['JWT_SECRET', 'ENCRYPTION_KEYS', 'ENCRYPTION_KEY', 'BOOTSTRAP_ADMIN_API_KEY'])
      expect(env[key]).toBeDefined();
    expect(() => loadConfig(env)).not.toThrow();
    // Without them the app refuses to start in production rather than use development secrets.
    expect(() => loadConfig(containerEnv(compose.services.app, {}, undefined))).toThrow(/JWT_SECRET/);
  });

  it('runs PostgreSQL with passwords unless development asks for trust', () => {
    const pg = (shell: Env) => containerEnv(compose.services.postgres, shell, undefined);
    expect(pg({})).toMatchObject({
      POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256',
      POSTGRES_PASSWORD: 'postgres',
    });
    expect(pg({ POSTGRES_HOST_AUTH_METHOD: 'trust' }).POSTGRES_HOST_AUTH_METHOD).toBe('trust');
    expect(pg(secrets).POSTGRES_PASSWORD).toBe('a-real-password');
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile').split('\n');
  const runtime = lines.slice(lines.findIndex((l) => /^FROM .* AS runtime$/.test(l)));

  it('runs the build as the unprivileged node user under tini, with no third-party package source', () => {
    expect(runtime.filter((l) => /^USER /.test(l))).toEqual(['USER node']);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    // The same node flags as `npm start` (the heap's sizing, README "Throughput or memory").
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe('node --max-semi-space-size=32 --heap-growing-percent=50 dist/src/main.js');
    expect(runtime).toContain(
      `CMD [${start
        .split(' ')
        .map((a) => JSON.stringify(a))
        .join(', ')}]`,
    );
    expect(runtime.join('\n')).not.toMatch(/sources\.list|apt\.postgresql\.org|^ADD https?:/m);
  });

  it("installs Debian's PostgreSQL client at least as new as the compose server, and a writable BACKUP_DIR", () => {
    const text = runtime.join('\n');
    const client = Number(/^ARG PG_CLIENT_MAJOR=(\d+)$/m.exec(text)?.[1]);
    expect(text).toContain('"postgresql-client-${PG_CLIENT_MAJOR}"');
    const server = Number(/^postgres:(\d+)/.exec(compose.services.postgres.image ?? '')?.[1]);
    expect(client).toBeGreaterThanOrEqual(server);
    // Debian 13 (trixie) is the release whose own packages carry that client.
    expect(lines.filter((l) => l.startsWith('FROM ')).every((l) => /trixie/.test(l))).toBe(true);
    expect(text).toMatch(/chown node:node \/app\/backups/);
    expect(compose.services.app.volumes).toContain('backups:/app/backups');
  });

  it('keeps secrets and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['dist', '.env', '**/node_modules']) expect(ignored).toContain(entry);
  });
});
