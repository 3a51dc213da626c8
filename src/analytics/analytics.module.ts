import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { analyticsConfig } from './analytics.config';
import { AnalyticsController } from './analytics.controller';
import './analytics.problems';
import './analytics.queue';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { AlertEvent } from './alerts/alert-event.entity';
import { AlertMetrics } from './alerts/alert-metrics';
import { AlertNotifier } from './alerts/alert-notifier';
import { AlertRule } from './alerts/alert-rule.entity';
import { AlertRulesService } from './alerts/alert-rules.service';
import { AlertsController } from './alerts/alerts.controller';
import { AnalyticsQueries } from './analytics.types';
import { DashboardAlertHistory } from './alerts/dashboard-alert-history';
import { DashboardAlerts } from './dashboard/dashboard-alerts';
import { AnalyticsFact } from './facts/analytics-fact.entity';
import { AnalyticsRollup } from './facts/analytics-rollup.entity';
import { AnalyticsDailyRollup } from './facts/analytics-daily-rollup.entity';
import { AwaitingReply } from './facts/awaiting-reply.entity';
import { FactIngest } from './facts/fact-ingest';
import { FactSources } from './facts/fact-sources';
import { AnalyticsService } from './queries/analytics.service';
import { TrendSql } from './queries/trend-sql';

/**
 * Analytics: facts published by the other modules (events, sends, statuses) kept in its own
 * append-only table and hourly rollups; KPIs and trends read from those. Reports and the
 * dashboard (`AnalyticsReportsModule`, mounted by the app on this module) use `AnalyticsQueries`
 * and `DashboardAlerts`.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    NotificationsModule,
    TypeOrmModule.forFeature([
      AnalyticsFact,
      AnalyticsRollup,
      AnalyticsDailyRollup,
      AwaitingReply,
      AlertRule,
      AlertEvent,
    ]),
  ],
  controllers: [AnalyticsController, AlertsController],
  providers: [
    analyticsConfig.provider,
    FactIngest,
    FactSources,
    TrendSql,
    AlertMetrics,
    AlertNotifier,
    AlertEvaluator,
    AlertRulesService,
    AnalyticsService,
    { provide: AnalyticsQueries, useExisting: AnalyticsService },
    { provide: DashboardAlerts, useClass: DashboardAlertHistory },
  ],
  exports: [AnalyticsQueries, DashboardAlerts, FactIngest],
})
export class AnalyticsModule {}
