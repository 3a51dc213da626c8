import { DynamicModule, Module, Type } from '@nestjs/common';
import { GatewayModule } from '../../gateway/gateway.module';
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
      imports: [GatewayModule, queries],
      controllers: [ReportsController],
      providers: [reportsConfig.provider, AnalyticsReports],
      exports: [AnalyticsReports],
    };
  }
}
