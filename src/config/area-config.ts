import { Inject, type FactoryProvider } from '@nestjs/common';
import { AppConfig } from './config';
import { validateEnvAgainst } from './env';

/**
 * An area's own typed configuration (what Nest's `registerAs` gives, with validation): the area
 * declares the variables it reads as a class-validator schema and builds its typed object from them.
 *
 * ```ts
 * class BackupEnv {
 *   @IsOptional() @IsString() BACKUP_DIR?: string;
 *   @IsOptional() @Transform(toInt) @IsInt() @Min(1) BACKUP_RETENTION_DAYS?: number;
 * }
 * export const backupConfig = defineConfig('backup', BackupEnv, (v) => ({
 *   dir: v.BACKUP_DIR ?? './backups',
 *   retentionDays: v.BACKUP_RETENTION_DAYS ?? 30,
 * }));
 * // module:   providers: [backupConfig.provider]
 * // service:  constructor(@InjectConfig(backupConfig) private readonly config: ConfigOf<typeof backupConfig>)
 * ```
 *
 * Every variable is validated at start-up with the others (`validateAreas`, from `loadConfig`'s
 * callers), and documented in `.env.example` (a test compares both lists).
 */
export interface AreaConfig<T> {
  readonly area: string;
  readonly schema: new () => object;
  readonly token: symbol;
  readonly provider: FactoryProvider<T>;
  /** Builds the typed object from an environment; throws ConfigError naming every bad variable. */
  load(env: Record<string, string | undefined>, app?: AppConfig): T;
}

export type ConfigOf<A> = A extends AreaConfig<infer T> ? T : never;

const areas = new Map<string, AreaConfig<unknown>>();

export function defineConfig<E extends object, T>(
  area: string,
  schema: new () => E,
  build: (v: E, app?: AppConfig) => T,
): AreaConfig<T> {
  if (areas.has(area)) throw new Error(`Configuration area ${area} is declared twice`);
  const token = Symbol(`config:${area}`);
  const load = (env: Record<string, string | undefined>, app?: AppConfig): T =>
    build(validateEnvAgainst(schema, env, `Invalid configuration (${area})`), app);
  const config: AreaConfig<T> = {
    area,
    schema,
    token,
    load,
    provider: { provide: token, useFactory: (app: AppConfig) => load(app.source, app), inject: [AppConfig] },
  };
  areas.set(area, config);
  return config;
}

export const InjectConfig = (config: AreaConfig<unknown>): ParameterDecorator & PropertyDecorator =>
  Inject(config.token);

/** Every area declared so far (all of them once `AppModule` is loaded). */
export function configAreas(): AreaConfig<unknown>[] {
  return [...areas.values()];
}

/** Validates every area's variables at once, so start-up names them all in one ConfigError. */
export function validateAreas(env: Record<string, string | undefined>): void {
  for (const area of areas.values()) area.load(env);
}
