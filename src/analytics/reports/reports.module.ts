import { DynamicModule, Module, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewayModule } from '../../gateway/gateway.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { DashboardController } from '../dashboard/dashboard.controller';
import { DashboardGuard } from '../dashboard/dashboard.guard';
import { DashboardService } from '../dashboard/dashboard.service';
import { ReportMailer } from './report-mailer';
import { ReportSchedule } from './report-schedule.entity';
import { ReportSchedulesController } from './report-schedules.controller';
import { ReportSchedules } from './report-schedules.service';
import { ReportsProcessor } from './reports.processor';
import { ReportsController } from './reports.controller';
import { reportsConfig } from './reports.config';
import { AnalyticsReports } from './reports.service';

/**
 * Reports (xlsx with native charts, PDF with vector charts, CSV), their weekly e-mail and the
 * operator dashboard, on the figures of `AnalyticsQueries`. `forRoot(queries)` takes the module
 * that exports it (analytics' rollups: `{ provide: AnalyticsQueries, useExisting: AnalyticsService }`),
 * so that this module needs no import cycle with it.
 */
@Module({})
export class AnalyticsReportsModule {
  static forRoot(queries: Type | DynamicModule): DynamicModule {
    return {
      module: AnalyticsReportsModule,
      imports: [GatewayModule, NotificationsModule, TypeOrmModule.forFeature([ReportSchedule]), queries],
      controllers: [ReportsController, ReportSchedulesController, DashboardController],
      providers: [
        reportsConfig.provider,
        AnalyticsReports,
        ReportMailer,
        ReportSchedules,
        ReportsProcessor,
        DashboardService,
        DashboardGuard,
      ],
      exports: [AnalyticsReports],
    };
  }
}
