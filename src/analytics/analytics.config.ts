import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class AnalyticsEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50_000) ANALYTICS_INGEST_BATCH?: number;
}

/** Analytics: how many facts one rollup statement takes at most. */
export const analyticsConfig = defineConfig('analytics', AnalyticsEnv, (v) => ({
  ingestBatch: v.ANALYTICS_INGEST_BATCH ?? 2_000,
}));

export type AnalyticsConfig = ReturnType<typeof analyticsConfig.load>;
