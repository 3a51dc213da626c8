import { availableParallelism } from 'node:os';
import { ConfigError, validateEnv } from './env';

export type AppRole = 'all' | 'api' | 'worker';

/**
 * The validated, typed configuration, one object per area. It is also the DI token: inject
 * `AppConfig` and read `config.database`, `config.queue`... Built once by `loadConfig(process.env)`;
 * tests build their own from an explicit env object.
 */
export class AppConfig {
  app: {
    env: 'development' | 'production' | 'test';
    role: AppRole;
    host: string;
    port: number;
    publicUrl: string;
    logLevel: string;
    logPretty: boolean;
    shutdownTimeoutMs: number;
    /** HTTP processes serving the port (node cluster); 1 is a single process, as before. */
    webConcurrency: number;
  };
  database: { url: string; poolSize: number; requestPoolSize: number; prepare: boolean; migrate: boolean };
  redis: { url: string };
  queue: {
    prefix: string;
    concurrency: number;
    /** The hot queues (events, workflows, notifications): many jobs at once so their statements batch. */
    batchConcurrency: number;
    keepCompleted: number;
    keepFailed: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  http: {
    bodyLimit: number;
    maxJsonDepth: number;
    corsOrigins: string[];
    /** Proxies whose X-Forwarded-For is believed (the client address of throttling and audit); none by default. */
    trustedProxies: string[];
  };
  outbound: { allowPrivate: boolean; timeoutMs: number };
  security: {
    encryptionKeys?: string;
    encryptionKey?: string;
    jwtSecret: string;
    bootstrapAdminApiKey?: string;
    /** Bearer token for /metrics and /health/detailed besides a platform:admin key; unset: keys only. */
    metricsToken?: string;
    /** True when a development default stands in for a secret that production must set. */
    usingDevSecrets: boolean;
  };
  limits: { rateLimitPerMinute: number };

  /** The environment it was loaded from: areas' own settings are read from it (`defineConfig`). */
  source: Record<string, string | undefined>;

  get isWorker(): boolean {
    return this.app.role !== 'api';
  }

  get isApi(): boolean {
    return this.app.role !== 'worker';
  }
}

/** Development-only stand-ins; `loadConfig` refuses them when NODE_ENV=production. */
const DEV_JWT_SECRET = 'ponte-development-jwt-secret-do-not-use-in-production';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const v = validateEnv(env);
  const nodeEnv = (v.NODE_ENV ?? 'development') as AppConfig['app']['env'];
  const production = nodeEnv === 'production';
  const missing = [
    !v.JWT_SECRET && 'JWT_SECRET',
    !v.ENCRYPTION_KEYS && !v.ENCRYPTION_KEY && 'ENCRYPTION_KEYS (or ENCRYPTION_KEY)',
  ].filter(Boolean);
  if (production && missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${missing.join(' and ')} must be set when NODE_ENV=production`,
    );
  }
  const port = v.PORT ?? 3000;
  const config = new AppConfig();
  config.source = env;
  config.app = {
    env: nodeEnv,
    role: (v.APP_ROLE ?? 'all') as AppRole,
    host: v.HOST ?? '0.0.0.0',
    port,
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: v.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    logPretty: v.LOG_PRETTY ?? false,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS ?? 25_000,
    webConcurrency: v.WEB_CONCURRENCY === 'auto' ? availableParallelism() : Number(v.WEB_CONCURRENCY ?? 1),
  };
  config.database = {
    url: v.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ponte',
    poolSize: v.DATABASE_POOL_SIZE ?? 10,
    requestPoolSize: v.DATABASE_REQUEST_POOL_SIZE ?? 4,
    prepare: v.DATABASE_PREPARE ?? true,
    migrate: v.DATABASE_MIGRATE ?? true,
  };
  config.redis = { url: v.REDIS_URL ?? 'redis://127.0.0.1:6379' };
  config.queue = {
    prefix: v.QUEUE_PREFIX ?? 'ponte',
    concurrency: v.WORKER_CONCURRENCY ?? 20,
    // An explicit WORKER_CONCURRENCY alone applies to every queue (a test's concurrency 1 stays 1).
    batchConcurrency: v.WORKER_BATCH_CONCURRENCY ?? v.WORKER_CONCURRENCY ?? 1000,
    keepCompleted: v.QUEUE_KEEP_COMPLETED ?? 1000,
    keepFailed: v.QUEUE_KEEP_FAILED ?? 10_000,
    // Longer than any outbound call, so a slow receiver never gets a second copy of a running job.
    lockDurationMs: v.QUEUE_LOCK_DURATION_MS ?? Math.max(30_000, 2 * (v.OUTBOUND_TIMEOUT_MS ?? 15_000)),
    stalledIntervalMs: v.QUEUE_STALLED_INTERVAL_MS ?? 15_000,
  };
  config.http = {
    bodyLimit: v.HTTP_BODY_LIMIT ?? 1024 * 1024,
    maxJsonDepth: v.HTTP_MAX_JSON_DEPTH ?? 64,
    corsOrigins: list(v.CORS_ORIGINS),
    trustedProxies: list(v.TRUSTED_PROXIES),
  };
  config.outbound = {
    allowPrivate: v.OUTBOUND_ALLOW_PRIVATE ?? !production,
    timeoutMs: v.OUTBOUND_TIMEOUT_MS ?? 15_000,
  };
  config.security = {
    encryptionKeys: v.ENCRYPTION_KEYS,
    encryptionKey: v.ENCRYPTION_KEY,
    jwtSecret: v.JWT_SECRET ?? DEV_JWT_SECRET,
    bootstrapAdminApiKey: v.BOOTSTRAP_ADMIN_API_KEY,
    metricsToken: v.METRICS_TOKEN,
    usingDevSecrets: missing.length > 0,
  };
  config.limits = { rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE ?? 60 };
  return config;
}
