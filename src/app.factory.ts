import { getQueueToken } from '@nestjs/bullmq';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/config';
import { IngestService } from './events/inbound/ingest.service';
import { registerWebhookRoutes } from './events/inbound/webhook-routes';
import { AuthService } from './gateway/auth/auth.service';
import { registerBullBoard } from './gateway/operator-console/bull-board';
import { installLeanAsyncBind } from './platform/async-resource-bind';
import { createFastifyAdapter } from './platform/http/fastify-adapter';
import { ProblemFilter } from './platform/http/problem.filter';
import { installSecurityHeaders } from './platform/http/security-headers';
import { createValidationPipe } from './platform/http/validation';
import { MetricsService } from './platform/metrics/metrics.service';
import { MaintenanceMode } from './platform/maintenance';
import { buildOpenApiDocument, setupOpenApi } from './platform/openapi/openapi';
import { ALL_QUEUES } from './platform/queue/queue.registry';

/**
 * Builds the Nest application (not yet listening). `main.ts` and the e2e tests share it, so tests
 * run exactly the production wiring.
 */
export async function createApp(
  config: AppConfig,
  options: AppOptions & { logger?: LoggerService | false } = {},
): Promise<NestFastifyApplication> {
  installLeanAsyncBind();
  const adapter = createFastifyAdapter(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    bodyParser: false,
    logger: options.logger ?? false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // API answers are JSON; a CSP would only get in the way of the Swagger and Bull Board pages.
  installSecurityHeaders(fastify, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (config.http.corsOrigins.length > 0)
    app.enableCors({ origin: config.http.corsOrigins, credentials: true });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  app.get(MetricsService).instrument(fastify);
  registerWebhookRoutes(fastify, app.get(IngestService, { strict: false }));
  app.get(MaintenanceMode).install(fastify);
  setupOpenApi(app, buildOpenApiDocument(app));
  const auth = app.get(AuthService);
  await registerBullBoard(fastify, {
    queues: ALL_QUEUES.map((name) => app.get(getQueueToken(name), { strict: false })),
    verify: (username, password) => auth.verifyOperatorConsole(username, password),
    throttle: auth.consoleThrottle,
  });
  return app;
}
