import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '../platform/clock';
import { Caller, Principal, RequireScope } from '../platform/http/principal';
import { ApiProblems } from '../platform/openapi/problem-response';
import { KpiQuery, TrendQueryDto } from './analytics.dto';
import { AnalyticsProblem } from './analytics.problems';
import type { KpiReport, TrendSeries } from './analytics.types';
import { AnalyticsService } from './queries/analytics.service';

const WEEK = 7 * 86_400_000;
const MAX_PERIOD = 400 * 86_400_000;

/** KPIs and trends of the caller's workspace, from analytics' rollups. */
@ApiTags('analytics')
@RequireScope('analytics:read')
@ApiProblems(400, 401, 403, 422, 429)
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly clock: Clock,
  ) {}

  @Get('kpis')
  @ApiOperation({ summary: 'KPIs of a period, each with the period of the same length just before it' })
  @ApiOkResponse({ description: 'The KPI report (`KpiReport`)' })
  kpis(@Caller() caller: Principal, @Query() q: KpiQuery): Promise<KpiReport> {
    const { from, to } = this.period(q);
    return this.analytics.kpis(caller.workspaceId, from, to);
  }

  @Get('trends')
  @ApiOperation({
    summary: 'A metric per hour, day, week or month in a time zone, maybe one series per dimension',
  })
  @ApiOkResponse({ description: 'The series (`TrendSeries`)' })
  trends(@Caller() caller: Principal, @Query() q: TrendQueryDto): Promise<TrendSeries> {
    const { from, to } = this.period(q);
    if (q.timeZone && !isTimeZone(q.timeZone))
      throw new AnalyticsProblem('ANALYTICS_TIME_ZONE_UNKNOWN', `Unknown time zone ${q.timeZone}`);
    return this.analytics.trend(caller.workspaceId, {
      metric: q.metric,
      interval: q.interval ?? 'day',
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: q.groupBy,
      timeZone: q.timeZone,
    });
  }

  private period(q: KpiQuery): { from: Date; to: Date } {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - WEEK);
    if (!(from < to) || to.getTime() - from.getTime() > MAX_PERIOD)
      throw new AnalyticsProblem(
        'ANALYTICS_PERIOD_INVALID',
        '`from` must be before `to`, at most 400 days apart',
      );
    return { from, to };
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
