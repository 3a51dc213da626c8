import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventsModule } from '../events/events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { accountingConfig } from './accounting.config';
import './accounting.queue';
import { AccountingAdapters } from './adapters/accounting-adapters';
import { OmieClient } from './adapters/omie/omie-client';
import { OmieAdapter } from './adapters/omie/omie.adapter';
import { RestAdapter } from './adapters/rest/rest.adapter';
import { AccountingConnection } from './connections/connection.entity';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { AccountingPersonalData } from './syncs/accounting-personal-data';
import { AccountingTriggers } from './syncs/accounting-triggers';
import { ConflictsService } from './syncs/conflicts.service';
import { SyncAttempts } from './syncs/sync-attempts';
import { SyncConflict } from './syncs/sync-conflict.entity';
import { SyncRecord } from './syncs/sync-record.entity';
import { SyncRecords } from './syncs/sync-records.service';
import { SyncsController } from './syncs/syncs.controller';
import { SYNC_JOB_CONTROLLERS, SYNC_JOB_ENTITIES, SYNC_JOB_PROVIDERS } from './sync-jobs/sync-jobs.providers';

/**
 * Sync with the accounting system (Omie, or any REST ERP mapped by JSONata) and scheduled sync
 * jobs between systems. Plugs in through `@OnEvent` (the triggers), `@WorkflowAction`
 * (`accounting.setupCustomer`), `@RetriesDlq('accounting')`, `@OutboxSweep` and `@OnJob`.
 */
@Module({
  imports: [
    DeliveriesModule,
    EventsModule,
    NotificationsModule,
    TypeOrmModule.forFeature([AccountingConnection, SyncRecord, SyncConflict, ...SYNC_JOB_ENTITIES]),
  ],
  controllers: [ConnectionsController, SyncsController, ...SYNC_JOB_CONTROLLERS],
  providers: [
    accountingConfig.provider,
    OmieClient,
    OmieAdapter,
    RestAdapter,
    AccountingAdapters,
    ConnectionsService,
    SyncRecords,
    SyncAttempts,
    ConflictsService,
    AccountingTriggers,
    AccountingPersonalData,
    ...SYNC_JOB_PROVIDERS,
  ],
  exports: [ConnectionsService, SyncRecords],
})
export class AccountingModule {}
