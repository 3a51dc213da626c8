import { createHash } from 'node:crypto';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { CacheInvalidation } from './cache/cache-invalidation';
import { Clock, SystemClock } from './clock';
import { parseEncryptionKeys, SecretBox } from './crypto/secret-box';
import { dataSourceOptions } from './database/data-source';
import { RequestLane } from './database/request-lane';
import { IdempotencyKey } from './http/idempotency/idempotency-key.entity';
import { IdempotencyInterceptor } from './http/idempotency/idempotency.interceptor';
import { RateLimiter } from './rate-limit/rate-limiter';
import { IdempotencyService } from './http/idempotency/idempotency.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { MetricsController } from './metrics/metrics.controller';
import { RootController } from './openapi/root.controller';
import { MetricsService } from './metrics/metrics.service';
import { Outcomes } from './outcomes/outcomes';
import { OutboundHttp } from './outbound/outbound-http';
import { outboxConfig } from './outbox/outbox.config';
import { OutboxRelay } from './outbox/outbox-relay';
import { IdempotencyPersonalData } from './personal-data/idempotency-personal-data';
import { PersonalDataRegistry } from './personal-data/personal-data';
import { PluginRegistry } from './plugins/plugin-registry';
import { QueueModule, RedisModule } from './queue/queue.module';
import { jobRegistry, JobRegistry } from './queue/queue.registry';
import { LocalRuns } from './queue/local-runs';
import { WorkerGate } from './queue/worker-gate';
import { MaintenanceMode } from './maintenance';

export interface PlatformOptions {
  /** Tests start the app with a job registry of their own. */
  jobRegistry?: JobRegistry;
  /** Tests move time with a clock of their own. */
  clock?: Clock;
}

function secretBox(config: AppConfig): SecretBox {
  const keys = parseEncryptionKeys(config.security.encryptionKeys, config.security.encryptionKey);
  if (keys.length > 0) return new SecretBox(keys);
  // Development only (loadConfig refuses production without keys): a fixed, well-known key so that
  // `npm start` works on a fresh clone and secrets survive restarts.
  new Logger('SecretBox').warn('ENCRYPTION_KEYS is not set: using the development key (never in production)');
  return new SecretBox([{ id: 'dev', key: createHash('sha256').update('ponte-development-key').digest() }]);
}

/** What every module uses: config, database, queues, crypto, outbound HTTP, health and metrics. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, options: PlatformOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        DiscoveryModule,
        RedisModule.forRoot(),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config.database), retryAttempts: 3, retryDelay: 1000 }),
        }),
        TypeOrmModule.forFeature([IdempotencyKey]),
        QueueModule.forRoot(options.jobRegistry ?? jobRegistry()),
      ],
      controllers: [RootController, HealthController, MetricsController],
      providers: [
        { provide: AppConfig, useValue: config },
        options.clock
          ? { provide: Clock, useValue: options.clock }
          : { provide: Clock, useClass: SystemClock },
        { provide: SecretBox, useFactory: () => secretBox(config) },
        {
          provide: OutboundHttp,
          useFactory: () =>
            new OutboundHttp({
              allowPrivate: config.outbound.allowPrivate,
              timeoutMs: config.outbound.timeoutMs,
              maxResponseBytes: 64 * 1024,
              userAgent: 'Ponte/0.1 (+webhooks)',
            }),
        },
        RequestLane,
        MetricsService,
        HealthService,
        WorkerGate,
        LocalRuns,
        MaintenanceMode,
        IdempotencyService,
        IdempotencyInterceptor,
        RateLimiter,
        CacheInvalidation,
        PluginRegistry,
        Outcomes,
        PersonalDataRegistry,
        IdempotencyPersonalData,
        outboxConfig.provider,
        OutboxRelay,
      ],
      exports: [
        AppConfig,
        RequestLane,
        Clock,
        SecretBox,
        OutboundHttp,
        MetricsService,
        HealthService,
        IdempotencyService,
        IdempotencyInterceptor,
        RateLimiter,
        CacheInvalidation,
        PluginRegistry,
        Outcomes,
        PersonalDataRegistry,
        outboxConfig.provider.provide,
        OutboxRelay,
        MaintenanceMode,
        LocalRuns,
      ],
    };
  }
}
