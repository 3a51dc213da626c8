import helmet from '@fastify/helmet';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/config';
import { createFastifyAdapter } from './platform/http/fastify-adapter';
import { ProblemFilter } from './platform/http/problem.filter';
import { createValidationPipe } from './platform/http/validation';
import { MetricsService } from './platform/metrics/metrics.service';

/**
 * Builds the Nest application (not yet listening). `main.ts` and the e2e tests share it, so tests
 * run exactly the production wiring.
 */
export async function createApp(
  config: AppConfig,
  options: AppOptions & { logger?: LoggerService | false } = {},
): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    bodyParser: false,
    logger: options.logger ?? false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // API answers are JSON; a CSP would only get in the way of the Swagger and Bull Board pages.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (config.http.corsOrigins.length > 0)
    app.enableCors({ origin: config.http.corsOrigins, credentials: true });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  app.get(MetricsService).instrument(fastify);
  return app;
}
