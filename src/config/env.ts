import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

export const toBool = ({ value }: { value: string | undefined }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
export const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Comma-separated IPv4/IPv6 addresses or CIDR ranges, or proxy-addr's names for whole ranges. */
const TRUSTED_PROXIES_PATTERN =
  /^\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)\s*(,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)\s*)*$/;

/** Short schedule form used in environment variables: `0,5s,5m,2h`. */
export const SCHEDULE_PATTERN = /^\s*\d+\s*(ms|s|m|h|d)?\s*(,\s*\d+\s*(ms|s|m|h|d)?\s*)*$/;

/**
 * The platform-wide environment variables, validated at start-up (areas declare their own with
 * `defineConfig`, in `src/<area>/<area>.config.ts`). Defaults live in config.ts so that
 * this class only says what is acceptable. `.env.example` documents each one.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @IsIn(['all', 'api', 'worker']) APP_ROLE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/) PUBLIC_URL?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() LOG_PRETTY?: boolean;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/) DATABASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) DATABASE_REQUEST_POOL_SIZE?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() DATABASE_PREPARE?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() DATABASE_MIGRATE?: boolean;

  @IsOptional() @Matches(/^rediss?:\/\/.+/) REDIS_URL?: string;
  @IsOptional() @Matches(/^[a-zA-Z0-9:_-]+$/) QUEUE_PREFIX?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) WORKER_CONCURRENCY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(2000) WORKER_BATCH_CONCURRENCY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) QUEUE_KEEP_COMPLETED?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) QUEUE_KEEP_FAILED?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) QUEUE_LOCK_DURATION_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(500) QUEUE_STALLED_INTERVAL_MS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) HTTP_BODY_LIMIT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(512) HTTP_MAX_JSON_DEPTH?: number;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional()
  @Matches(TRUSTED_PROXIES_PATTERN, {
    message:
      'TRUSTED_PROXIES must list addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated',
  })
  TRUSTED_PROXIES?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_TIMEOUT_MS?: number;
  @IsOptional()
  @Matches(/^(auto|[1-9]\d{0,2})$/, {
    message: 'WEB_CONCURRENCY must be a number of processes (1-999) or auto',
  })
  WEB_CONCURRENCY?: string;

  @IsOptional() @Transform(toBool) @IsBoolean() OUTBOUND_ALLOW_PRIVATE?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) OUTBOUND_TIMEOUT_MS?: number;

  @IsOptional() @IsString() ENCRYPTION_KEYS?: string;
  @IsOptional() @IsString() ENCRYPTION_KEY?: string;
  @IsOptional() @IsString() JWT_SECRET?: string;
  @IsOptional()
  @Matches(/^pk_[A-Za-z0-9_-]{16,}$/, {
    message: 'BOOTSTRAP_ADMIN_API_KEY must look like pk_ followed by 16+ url-safe characters',
  })
  BOOTSTRAP_ADMIN_API_KEY?: string;
  @IsOptional()
  @Matches(/^[\x21-\x7e]{24,}$/, { message: 'METRICS_TOKEN must be 24+ printable characters without spaces' })
  METRICS_TOKEN?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE?: number;
}

export class ConfigError extends Error {}

/** Validates `env`; throws ConfigError listing every bad variable (names and rules, never values). */
export function validateEnv(env: Record<string, string | undefined>): EnvironmentVariables {
  return validateEnvAgainst(EnvironmentVariables, env, 'Invalid configuration');
}

/** `validateEnv` for any schema class (an area's own, see `defineConfig`). */
export function validateEnvAgainst<E extends object>(
  schema: new () => E,
  env: Record<string, string | undefined>,
  heading: string,
): E {
  // An empty value (`KEY=` copied from .env.example) means "use the default", as if unset.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = plainToInstance(schema, present, { excludeExtraneousValues: false });
  const errors = validateSync(parsed, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`${heading}:\n  ${lines.join('\n  ')}`);
  }
  return parsed;
}
