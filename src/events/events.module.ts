import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBus } from './bus/event-bus';
import { eventsConfig } from './events.config';
import { DlqEntry } from './dlq/dlq-entry.entity';
import { DlqController } from './dlq/dlq.controller';
import { DlqService } from './dlq/dlq.service';
import { IngestService } from './inbound/ingest.service';
import { EventHandlers } from './processing/event-handlers';
import { EventProcessor } from './processing/event-processor';
import { EventRelay } from './processing/event-relay';
import { EventsHere } from './processing/events-here';
import { JsonSource } from './sources/json/json.source';
import { SourceKinds } from './sources/source-kind';
import { SourceRejection } from './sources/source-rejection.entity';
import { Source } from './sources/source.entity';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';
import { StandardSource } from './sources/standard/standard.source';
import { EventRecord } from './store/event.entity';
import { EventErasure } from './store/event-erasure';
import { EventLookup } from './store/event-lookup';
import { EventWriter } from './store/event-writer';
import { EventsController } from './store/events.controller';
import { EventsService } from './store/events.service';

/**
 * Inbound webhooks, the durable event store, processing on priority queues and the DLQ. Other
 * modules publish events through EventBus, subscribe with `@OnEvent` and dead-letter through
 * DlqService; a module that owns a kind of source declares it with `@SourceKindPlugin` (events
 * keeps Standard Webhooks and json; WhatsApp's providers are declared in `whatsapp`, Bitrix24 in `crm`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Source, SourceRejection, EventRecord, DlqEntry])],
  controllers: [SourcesController, EventsController, DlqController],
  providers: [
    eventsConfig.provider,
    SourceKinds,
    StandardSource,
    JsonSource,
    SourcesService,
    IngestService,
    EventWriter,
    EventBus,
    EventsService,
    EventHandlers,
    EventProcessor,
    EventsHere,
    EventRelay,
    DlqService,
    EventErasure,
    EventLookup,
  ],
  exports: [EventBus, DlqService, EventsService, SourcesService, EventErasure, EventLookup],
})
export class EventsModule {}
