import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { Endpoint } from './endpoints/endpoint.entity';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsService } from './endpoints/endpoints.service';
import { MAPPING_CONTROLLERS, MAPPING_ENTITIES, MAPPING_PROVIDERS } from './mappings/mappings.providers';
import { deliveriesConfig } from './deliveries.config';
import { DeliveriesService } from './sending/deliveries.service';
import { DeliveryAttempt } from './sending/delivery-attempt.entity';
import { DeliveryFanout } from './sending/delivery-fanout';
import { DeliverySender } from './sending/delivery-sender';
import { Delivery } from './sending/delivery.entity';

/**
 * Outbound event delivery, as Svix does it: endpoints, signed deliveries with the retry policy,
 * replay, and versioned JSONata mappings per (event type, system).
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    TypeOrmModule.forFeature([Endpoint, Delivery, DeliveryAttempt, ...MAPPING_ENTITIES]),
  ],
  controllers: [EndpointsController, ...MAPPING_CONTROLLERS],
  providers: [
    deliveriesConfig.provider,
    EndpointsService,
    DeliveriesService,
    DeliveryFanout,
    DeliverySender,
    ...MAPPING_PROVIDERS,
  ],
  exports: [...MAPPING_PROVIDERS, DeliveriesService, EndpointsService],
})
export class DeliveriesModule {}
