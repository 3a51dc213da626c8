import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from './config/config';
import { validateAreas } from './config/area-config';
import { ConfigError } from './config/env';
import { HealthService } from './platform/health/health.service';
import { runPrimary } from './platform/http/cluster';
import { createLogger, PinoNestLogger } from './platform/logging/logger';
import { checkRedis, prepareDatabase, StartupError } from './platform/preflight';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
    validateAreas(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  const logger = createLogger({ level: config.app.logLevel, pretty: config.app.logPretty, name: 'ponte' });
  // A cluster worker: the primary prepared the database and checked Redis before forking it.
  if (cluster.isWorker) return serve(config, logger);
  try {
    await prepareDatabase(config, (msg) => logger.info(msg));
    await checkRedis(config);
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    logger.fatal(err.message);
    process.exit(1);
  }
  if (config.security.usingDevSecrets) {
    logger.warn('JWT_SECRET / ENCRYPTION_KEYS not set: development defaults in use (never in production)');
  }
  if (config.isApi && config.app.webConcurrency > 1) {
    return runPrimary({
      size: config.app.webConcurrency,
      role: config.app.role,
      shutdownTimeoutMs: config.app.shutdownTimeoutMs,
      log: {
        info: (msg) => logger.info(msg),
        warn: (msg) => logger.warn(msg),
        error: (msg) => logger.error(msg),
      },
    });
  }
  await serve(config, logger);
}

/** The Nest app on the port: the whole process, or one worker of a cluster. */
async function serve(config: AppConfig, logger: ReturnType<typeof createLogger>): Promise<void> {
  // Loaded here, not at the top: a cluster primary never builds the app.
  const { createApp } = await import('./app.factory');
  const app = await createApp(config, { logger: new PinoNestLogger(logger) });
  await app.listen({ port: config.app.port, host: config.app.host });
  logger.info(`Ponte (${config.app.role}) listening on ${config.app.publicUrl} — port ${config.app.port}`);

  installShutdown(app, config, logger);
}

/**
 * SIGTERM/SIGINT: readiness turns 503, the listener stops taking requests and finishes those in
 * flight, workers finish their active jobs, then pools close. A deadline forces the exit.
 */
function installShutdown(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: ReturnType<typeof createLogger>,
) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.app.shutdownTimeoutMs} ms: exiting`);
      process.exit(1);
    }, config.app.shutdownTimeoutMs).unref();
    try {
      app.get(HealthService).markDraining();
      await app.getHttpAdapter().close();
      await app.close();
      logger.info('Shutdown complete');
      process.exit(0);
    } catch (err) {
      logger.error(`Shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((err: unknown) => {
  console.error('Ponte failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
