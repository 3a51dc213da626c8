import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class AnalyticsEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50_000) ANALYTICS_INGEST_BATCH?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1_000) @Max(3_600_000) ALERTS_TICK_MS?: number;
}

/** Analytics: how many facts one rollup statement takes at most, and how often alert rules are evaluated. */
export const analyticsConfig = defineConfig('analytics', AnalyticsEnv, (v) => ({
  ingestBatch: v.ANALYTICS_INGEST_BATCH ?? 2_000,
  alertsTickMs: v.ALERTS_TICK_MS ?? 15_000,
}));

export type AnalyticsConfig = ReturnType<typeof analyticsConfig.load>;
