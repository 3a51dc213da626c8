import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { SCHEDULE_PATTERN, toInt } from '../config/env';

class EventsEnv {
  @IsOptional() @Matches(SCHEDULE_PATTERN) EVENT_RETRY_SCHEDULE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RETENTION_DAYS?: number;
}

/**
 * Processing of stored events: the delay before each attempt (the first is immediate), then
 * `dead` and the DLQ; and the days after which finished events' payloads are anonymised (LGPD).
 */
export const eventsConfig = defineConfig('events', EventsEnv, (v) => ({
  retrySchedule: v.EVENT_RETRY_SCHEDULE ?? '0,5s,30s,2m,10m',
  retentionDays: v.RETENTION_DAYS ?? 30,
}));
