import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../../config/config';
import { JobDispatcher } from './job-dispatcher';
import { JobQueue } from './job-queue.service';
import { ALL_QUEUES, defaultJobOptions, JOB_REGISTRY, jobRegistry, JobRegistry } from './queue.registry';
import { RedisConnections } from './redis.connections';

@Global()
@Module({})
export class RedisModule {
  static forRoot(): DynamicModule {
    return { module: RedisModule, providers: [RedisConnections], exports: [RedisConnections] };
  }
}

/** BullMQ through @nestjs/bullmq: every queue of the registry, trimmed, on the shared connection. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(registry: JobRegistry = jobRegistry()): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [RedisConnections, AppConfig],
          useFactory: (redis: RedisConnections, config: AppConfig) => ({
            connection: redis.client,
            prefix: config.queue.prefix,
            defaultJobOptions: defaultJobOptions(config.queue),
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [{ provide: JOB_REGISTRY, useValue: registry }, JobQueue, JobDispatcher],
      exports: [BullModule, JobQueue, JobDispatcher, JOB_REGISTRY],
    };
  }
}
