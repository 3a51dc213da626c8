import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { SCHEDULE_PATTERN, toInt } from '../config/env';
import { RetrySchedule } from '../platform/queue/retry-schedule';

class AccountingEnv {
  @IsOptional() @Matches(SCHEDULE_PATTERN) ACCOUNTING_RETRY_SCHEDULE?: string;
  @IsOptional() @Matches(SCHEDULE_PATTERN) SYNC_JOB_RETRY_SCHEDULE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) SYNC_JOB_CONCURRENCY?: number;
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/) OMIE_BASE_URL?: string;
}

/**
 * Accounting syncs retry on `retry` (the delay before each attempt; exhausted → DLQ kind
 * `accounting`); a sync job's page whose source read fails retries on `pageRetry`, then the run
 * fails (the next run resumes nothing: it starts over, and unchanged records are skipped).
 */
export const accountingConfig = defineConfig('accounting', AccountingEnv, (v) => ({
  retry: RetrySchedule.parse(v.ACCOUNTING_RETRY_SCHEDULE ?? '0,30s,2m,10m,1h,3h'),
  pageRetry: RetrySchedule.parse(v.SYNC_JOB_RETRY_SCHEDULE ?? '0,10s,1m,5m'),
  /** Target writes in flight at once within one page of a sync job. */
  pageConcurrency: v.SYNC_JOB_CONCURRENCY ?? 8,
  omieBaseUrl: (v.OMIE_BASE_URL ?? 'https://app.omie.com.br/api/v1').replace(/\/+$/, ''),
}));

export type AccountingConfig = ReturnType<typeof accountingConfig.load>;
