import { DynamicModule, Module, Type } from '@nestjs/common';
import { AccountingModule } from './accounting/accounting.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AnalyticsReportsModule } from './analytics/reports/reports.module';
import { CalendarModule } from './calendar/calendar.module';
import { AppConfig } from './config/config';
import { BackupModule } from './backup/backup.module';
import { CollectionsModule } from './collections/collections.module';
import { CrmModule } from './crm/crm.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EventsModule } from './events/events.module';
import { GatewayModule } from './gateway/gateway.module';
import { NotificationsModule } from './notifications/notifications.module';
import { WhatsAppModule } from './whatsapp/whatsapp.module';
import { WorkflowsModule } from './workflows/workflows.module';
import { PlatformModule, PlatformOptions } from './platform/platform.module';

export interface AppOptions extends PlatformOptions {
  /** Extra modules (tests mount probes this way). */
  imports?: Array<Type | DynamicModule>;
  /**
   * The module whose `AnalyticsQueries` reports and the dashboard render (default: analytics'
   * rollups); rendering tests pass one with fixed figures.
   */
  analyticsQueries?: Type | DynamicModule;
}

/** The modular monolith: the platform plus one module per product area. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, options),
        GatewayModule,
        EventsModule,
        DeliveriesModule,
        NotificationsModule,
        WhatsAppModule,
        WorkflowsModule,
        AccountingModule,
        CalendarModule,
        BackupModule,
        CollectionsModule,
        CrmModule,
        AnalyticsModule,
        AnalyticsReportsModule.forRoot(options.analyticsQueries ?? AnalyticsModule),
        ...(options.imports ?? []),
      ],
    };
  }
}
